using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.InProcess;

/// <summary>
/// The paper account in this process only (tests, <c>Storage:Ephemeral</c>). With a file it is also saved there
/// after each change and read back at start — one process at a time; the embedded database is the shared store.
/// </summary>
public sealed class InMemoryPaperAccountStore : IPaperAccountStore
{
    private readonly Lock _gate = new();
    private readonly string? _file;
    private readonly List<OutboxFill> _outbox = [];
    private string? _state;
    private long _nextId;

    /// <summary>Creates the store; <paramref name="file"/> keeps the account across runs of one process.</summary>
    public InMemoryPaperAccountStore(string? file = null)
    {
        _file = string.IsNullOrWhiteSpace(file) ? null : file;
        if (_file is not null && File.Exists(_file)) _state = File.ReadAllText(_file);
    }

    /// <inheritdoc />
    public Task<T> UpdateAsync<T>(Func<string?, PaperAccountUpdate<T>> update, CancellationToken ct)
    {
        lock (_gate)
        {
            var result = update(_state);
            if (result.NewState is { } next)
            {
                _state = next;
                Save(next);
            }
            foreach (var fill in result.Fills) _outbox.Add(new OutboxFill(++_nextId, fill));
            return Task.FromResult(result.Result);
        }
    }

    /// <inheritdoc />
    public Task<string?> ReadAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_state);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxFill>> PendingFillsAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<OutboxFill>>(_outbox.ToList());
    }

    /// <inheritdoc />
    public Task MarkDeliveredAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        lock (_gate) _outbox.RemoveAll(f => ids.Contains(f.Id));
        return Task.CompletedTask;
    }

    private void Save(string state)
    {
        if (_file is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        var tmp = _file + ".tmp";
        File.WriteAllText(tmp, state);
        File.Move(tmp, _file, overwrite: true);
    }
}
