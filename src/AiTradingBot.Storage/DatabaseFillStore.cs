using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Storage.Fills;
using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;

namespace AiTradingBot.Storage;

/// <summary>
/// <see cref="IFillStore"/> on the relational store: the <c>fills</c> table is the source of truth and
/// <c>bot_positions</c> follows it in the same transaction. Ingestion is idempotent on exec id and atomic per batch
/// for the valid executions; invalid ones go to <c>fill_dead_letters</c> with a reason.
/// </summary>
public sealed class DatabaseFillStore : IFillStore, IAsyncDisposable
{
    private readonly StorageReadiness _ready;
    private readonly IDbContextFactory<TradingDbContext> _contexts;
    private readonly PostgresFillIngestion? _postgres;
    private readonly SqliteFillIngestion? _sqlite;
    private readonly FillDeadLetters _deadLetters;
    private readonly SecretRedactor? _redactor;

    /// <summary>A store on the configured database; <paramref name="redactor"/> masks secrets in dead-lettered raw events.</summary>
    public DatabaseFillStore(StorageDatabase database, StorageReadiness ready, IDbContextFactory<TradingDbContext> contexts, TimeProvider time,
        SecretRedactor? redactor = null)
    {
        _ready = ready;
        _contexts = contexts;
        _redactor = redactor;
        _deadLetters = new FillDeadLetters(database, contexts, time);
        if (database.IsPostgres) _postgres = new PostgresFillIngestion(database.DataSource, time);
        else _sqlite = new SqliteFillIngestion(contexts, time);
    }

    /// <summary>Runs after a batch's writes and before its commit: lets tests fail a batch at its most exposed point.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>How many PostgreSQL batches took the one-round-trip path and how many the checked one (tests, benchmark).</summary>
    internal (int Fast, int Checked) PostgresPaths => _postgres is null ? (0, 0) : (_postgres.FastBatches, _postgres.CheckedBatches);

    /// <inheritdoc />
    public async Task<FillIngestResult> IngestAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
    {
        var (batch, rejected) = FillLedger.Prepare(executions, _redactor);
        if (batch.Count == 0 && rejected.Count == 0) return new FillIngestResult([], []);
        await _ready.EnsureAsync(ct);
        // Dead letters first, in their own transaction: they are kept even if the valid rows then fail to store.
        var dead = await _deadLetters.StoreAsync(rejected, ct);
        if (batch.Count == 0) return new FillIngestResult([], []) { DeadLettered = dead };
        var stored = _postgres is not null
            ? await _postgres.IngestAsync(batch, BeforeCommit, ct)
            : await _sqlite!.IngestAsync(batch, BeforeCommit, ct);
        return dead.Count == 0 ? stored : stored with { DeadLettered = dead };
    }

    /// <inheritdoc />
    /// <remarks><see cref="FillQuery.From"/> is inclusive and <see cref="FillQuery.To"/> exclusive, so periods tile.</remarks>
    public async Task<IReadOnlyList<Fill>> QueryAsync(FillQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is <= 0) return [];
        await _ready.EnsureAsync(ct);
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var q = db.Fills.AsNoTracking();
        if (query.From is { } from) { var f = from.ToUniversalTime(); q = q.Where(x => x.ExecTime >= f); }
        if (query.To is { } to) { var t = to.ToUniversalTime(); q = q.Where(x => x.ExecTime < t); }
        if (!string.IsNullOrEmpty(query.Symbol)) q = q.Where(x => x.Symbol == query.Symbol);
        if (!string.IsNullOrEmpty(query.BotId)) q = q.Where(x => x.BotId == query.BotId);
        q = q.OrderByDescending(x => x.ExecTime).ThenByDescending(x => x.ExecId);
        if (query.Limit is { } limit) q = q.Take(limit);
        var rows = await q.ToListAsync(ct);
        return rows.Select(r => r.ToFill()).ToList();
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> LastExecutionTimeAsync(CancellationToken ct)
    {
        await _ready.EnsureAsync(ct);
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var newest = await db.Fills.AsNoTracking().OrderByDescending(x => x.ExecTime).Select(x => new { x.ExecTime }).FirstOrDefaultAsync(ct);
        return newest?.ExecTime;
    }

    /// <inheritdoc />
    /// <remarks>Closes the PostgreSQL ingestion's own session.</remarks>
    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
}
