using System.Text.Json;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Audit;

/// <summary>
/// Append-only audit as JSON lines in a file (one record per line), used when no database store is registered.
/// Records arrive redacted from the core.
/// </summary>
public sealed class JsonlFileAuditLog(string path) : IAuditLog
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>The file written to.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public async Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        var line = JsonSerializer.Serialize(record, PlanJson.Options) + "\n";
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            await File.AppendAllTextAsync(Path, line, ct).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken ct)
    {
        if (!File.Exists(Path)) return [];
        var lines = await File.ReadAllLinesAsync(Path, ct).ConfigureAwait(false);
        return lines.Reverse().Take(count).Select(l => JsonSerializer.Deserialize<AuditRecord>(l, PlanJson.Options)!).ToList();
    }
}
