using AiTradingBot.Storage.Tests.Support;
using Xunit;
using static AiTradingBot.Storage.Tests.Support.Executions;

namespace AiTradingBot.Storage.Tests;

/// <summary>
/// PostgreSQL ingestion takes one round trip when this instance's view of positions is current, and falls back to
/// the checked path, with the same results, when another instance wrote in between.
/// </summary>
public sealed class PostgresIngestionPathTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Steady_ingestion_takes_the_fast_path_after_the_first_batch()
    {
        await using var db = await TestDatabase.PostgresAsync();
        await db.Fills.IngestAsync([Buy("s1", 1, 100)], Ct);
        await db.Fills.IngestAsync([Buy("s2", 1, 110, T0.AddSeconds(1))], Ct);
        var r = await db.Fills.IngestAsync([Sell("s3", 2, 120, T0.AddSeconds(2)), Buy("s1", 1, 100)], Ct);

        Assert.Equal((2, 1), db.Fills.PostgresPaths);
        Assert.Equal(("s3", 30m, true), (r.NewFills.Single().ExecId, r.NewFills.Single().RealizedPnl, r.NewFills.Single().Closing));
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
    }

    [Fact]
    public async Task A_position_changed_by_another_instance_is_read_again_before_pnl_is_computed()
    {
        await using var db = await TestDatabase.PostgresAsync();
        await db.Migrator.MigrateAsync(Ct);
        var a = db.NewFillStore();
        var b = db.NewFillStore();
        await a.IngestAsync([Buy("a1", 1, 100)], Ct);          // a caches alpha BTCUSDT = long 1 @ 100
        await b.IngestAsync([Sell("b1", 1, 90, T0.AddSeconds(1))], Ct); // b closes it: flat

        var r = await a.IngestAsync([Sell("a2", 1, 95, T0.AddSeconds(2))], Ct);

        // From a's stale view this sell would close at -5; from the stored position it opens a short.
        Assert.Equal((0m, false), (r.NewFills.Single().RealizedPnl, r.NewFills.Single().Closing));
        Assert.Equal((-1m, 95m), (r.ChangedPositions.Single().Qty, r.ChangedPositions.Single().AveragePrice));
        Assert.Equal((0, 2), a.PostgresPaths);
    }

    [Fact]
    public async Task Executions_stored_by_another_instance_are_skipped_even_when_positions_look_unchanged()
    {
        await using var db = await TestDatabase.PostgresAsync();
        await db.Migrator.MigrateAsync(Ct);
        var a = db.NewFillStore();
        var b = db.NewFillStore();
        await a.IngestAsync([Buy("a1", 1, 100, symbol: "ETHUSDT"), Buy("a2", 1, 100, symbol: "ETHUSDT"), Sell("a3", 2, 100, symbol: "ETHUSDT")], Ct);
        // b stores a round trip that leaves the position as a cached it (flat), so only the exec_id key can tell.
        await b.IngestAsync([Buy("x1", 1, 100, T0.AddSeconds(1), symbol: "ETHUSDT"), Sell("x2", 1, 100, T0.AddSeconds(2), symbol: "ETHUSDT")], Ct);

        var r = await a.IngestAsync([Buy("x1", 1, 100, T0.AddSeconds(1), symbol: "ETHUSDT"), Sell("x2", 1, 100, T0.AddSeconds(2), symbol: "ETHUSDT")], Ct);

        Assert.Empty(r.NewFills);
        Assert.Equal(5, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
        Assert.Equal((0, 2), a.PostgresPaths);
    }

    [Fact]
    public async Task A_batch_after_the_ingestion_session_was_closed_by_the_server_is_stored_on_a_new_one()
    {
        var time = new ManualTime(T0);
        await using var db = await TestDatabase.PostgresAsync(time);
        await db.Fills.IngestAsync([Buy("k1", 1, 100)], Ct);
        // A server restart or an idle timeout ends every other session of the database, the ingestion's among them.
        await db.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", Ct);
        time.Advance(TimeSpan.FromMinutes(1));

        var r = await db.Fills.IngestAsync([Buy("k2", 1, 110, T0.AddSeconds(1))], Ct);

        Assert.Equal("k2", r.NewFills.Single().ExecId);
        Assert.Equal((2m, 105m), (r.ChangedPositions.Single().Qty, r.ChangedPositions.Single().AveragePrice));
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
    }

    [Fact]
    public async Task A_batch_that_fails_before_commit_leaves_nothing_behind_for_the_next()
    {
        await using var db = await TestDatabase.PostgresAsync();
        await db.Fills.IngestAsync([Buy("m1", 1, 100)], Ct);
        db.Fills.BeforeCommit = _ => throw new InvalidOperationException("boom");
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Fills.IngestAsync([Buy("m2", 1, 100, T0.AddSeconds(1))], Ct));
        db.Fills.BeforeCommit = null;

        var r = await db.Fills.IngestAsync([Buy("m3", 1, 130, T0.AddSeconds(2))], Ct);

        // Only m3 is new: nothing of the failed batch was kept, and its session was replaced cleanly.
        Assert.Equal("m3", r.NewFills.Single().ExecId);
        Assert.Equal(["m1", "m3"], (await db.Fills.QueryAsync(new AiTradingBot.Core.Ports.FillQuery(), Ct)).Select(f => f.ExecId).Order());
        Assert.Equal((2m, 115m), (r.ChangedPositions.Single().Qty, r.ChangedPositions.Single().AveragePrice));
    }
}
