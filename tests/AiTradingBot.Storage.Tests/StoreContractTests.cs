using System.Diagnostics;
using Xunit;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Storage.Migrations;
using AiTradingBot.Storage.Model;
using AiTradingBot.Storage.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AiTradingBot.Storage.Tests.Support.Executions;

namespace AiTradingBot.Storage.Tests;

/// <summary>
/// What every provider of the relational store must do. Each test gets a fresh database from
/// <see cref="CreateAsync"/>: PostgreSQL (a new database on the test server) or SQLite (a temp file).
/// </summary>
public abstract class StoreContractTests
{
    /// <summary>A fresh, empty database.</summary>
    protected abstract Task<TestDatabase> CreateAsync(TimeProvider? time = null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // ---- migrations ----

    [Fact]
    public async Task Migrating_twice_applies_each_version_once()
    {
        await using var db = await CreateAsync();
        var first = await db.Migrator.MigrateAsync(Ct);
        var second = await db.Migrator.MigrateAsync(Ct);

        Assert.Equal(Enumerable.Range(1, db.Migrator.LatestVersion), first.Applied);
        Assert.Empty(second.Applied);
        Assert.Equal(db.Migrator.LatestVersion, second.CurrentVersion);
        Assert.Equal(db.Migrator.LatestVersion, await db.ScalarAsync<int>("SELECT count(*) FROM schema_migrations", Ct));
    }

    [Fact]
    public async Task Two_instances_migrating_at_once_apply_the_schema_exactly_once()
    {
        await using var db = await CreateAsync();
        var a = new DatabaseMigrator(db.NewHandle(), TimeProvider.System);
        var b = new DatabaseMigrator(db.NewHandle(), TimeProvider.System);

        var results = await Task.WhenAll(Task.Run(() => a.MigrateAsync(Ct), Ct), Task.Run(() => b.MigrateAsync(Ct), Ct));

        Assert.Single(results, r => r.Applied.Count > 0);
        Assert.Single(results, r => r.Applied.Count == 0);
        Assert.All(results, r => Assert.Equal(a.LatestVersion, r.CurrentVersion));
        Assert.Equal(a.LatestVersion, await db.ScalarAsync<int>("SELECT count(*) FROM schema_migrations", Ct));
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_stops_the_migrator()
    {
        await using var db = await CreateAsync();
        await db.Migrator.MigrateAsync(Ct);
        var edited = new DatabaseMigrator(db.Database, TimeProvider.System, null, [new Migration(1, "initial schema", "SELECT 1;")]);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => edited.MigrateAsync(Ct));
        Assert.Contains("differs from the one applied", e.Message);
    }

    [Fact]
    public async Task A_database_from_a_newer_build_stops_the_migrator()
    {
        await using var db = await CreateAsync();
        await db.Migrator.MigrateAsync(Ct);
        var older = new DatabaseMigrator(db.Database, TimeProvider.System, null, []);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => older.MigrateAsync(Ct));
        Assert.Contains("newer than this build", e.Message);
    }

    [Fact]
    public async Task Every_table_of_the_model_matches_the_migrated_schema()
    {
        await using var db = await CreateAsync();
        await db.Migrator.MigrateAsync(Ct);
        await using (var ctx = await db.Contexts.CreateDbContextAsync(Ct))
        {
            ctx.Bots.Add(new BotRow { BotId = "alpha", Name = "Alpha", System = "shortseller", Strategy = "mean-revert" });
            ctx.KeyValues.Add(new KeyValueRow { Key = "telegram.offset", Value = "42", UpdatedAt = T0 });
            ctx.ReportSchedules.Add(new ReportScheduleRow { Kind = ReportKind.Daily, ChatId = "7", Cron = "0 0 8 * * ?", TimeZone = "Europe/Berlin", CreatedAt = T0 });
            await ctx.SaveChangesAsync(Ct);
        }
        await using var read = await db.Contexts.CreateDbContextAsync(Ct);
        Assert.Equal("shortseller", (await read.Bots.SingleAsync(Ct)).System);
        Assert.Equal("42", (await read.KeyValues.SingleAsync(Ct)).Value);
        var schedule = await read.ReportSchedules.SingleAsync(Ct);
        Assert.Equal((ReportKind.Daily, "Europe/Berlin", T0), (schedule.Kind, schedule.TimeZone, schedule.CreatedAt));
        // Every mapped column exists: selecting whole rows of each table names them all.
        Assert.Empty(await read.Fills.ToListAsync(Ct));
        Assert.Empty(await read.BotPositions.ToListAsync(Ct));
        Assert.Empty(await read.Orders.ToListAsync(Ct));
        Assert.Empty(await read.AuditLog.ToListAsync(Ct));
        Assert.Empty(await read.FillDeadLetters.ToListAsync(Ct));
    }

    // ---- fills ----

    [Fact]
    public async Task The_stores_migrate_an_empty_database_on_first_use()
    {
        await using var db = await CreateAsync();
        Assert.Null(await db.Fills.LastExecutionTimeAsync(Ct));
        Assert.Equal(db.Migrator.LatestVersion, await db.ScalarAsync<int>("SELECT count(*) FROM schema_migrations", Ct));
    }

    [Fact]
    public async Task Duplicate_executions_within_and_across_batches_are_stored_once()
    {
        await using var db = await CreateAsync();
        var first = await db.Fills.IngestAsync([Buy("e1", 1, 100), Buy("e2", 1, 100), Buy("e1", 1, 100)], Ct);
        var second = await db.Fills.IngestAsync([Buy("e2", 1, 100), Buy("e3", 1, 100), Buy("e3", 1, 100)], Ct);
        var third = await db.Fills.IngestAsync([Buy("e1", 1, 100), Buy("e2", 1, 100), Buy("e3", 1, 100)], Ct);

        Assert.Equal(["e1", "e2"], first.NewFills.Select(f => f.ExecId));
        Assert.Equal(["e3"], second.NewFills.Select(f => f.ExecId));
        Assert.Empty(third.NewFills);
        Assert.Empty(third.ChangedPositions);
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
        // The position counts each execution once too.
        Assert.Equal(3m, second.ChangedPositions.Single().Qty);
    }

    [Fact]
    public async Task Realized_pnl_and_closing_follow_partial_closes_and_flips()
    {
        await using var db = await CreateAsync();
        var t = T0;
        var r = await db.Fills.IngestAsync(
        [
            Buy("open", 2, 100, t),                       // long 2 @ 100
            Buy("add", 2, 110, t.AddMinutes(1)),          // long 4 @ 105
            Sell("partial", 1, 115, t.AddMinutes(2)),     // closes 1: +10, long 3 @ 105
            Sell("flip", 5, 120, t.AddMinutes(3)),        // closes 3: +45, short 2 @ 120
        ], Ct);
        var r2 = await db.Fills.IngestAsync(
        [
            Buy("cover-part", 1, 130, t.AddMinutes(4)),   // closes 1 short: -10, short 1 @ 120
            Buy("cover-flip", 3, 100, t.AddMinutes(5)),   // closes 1 short: +20, long 2 @ 100
            Sell("flat", 2, 100, t.AddMinutes(6)),        // closes 2: 0, flat
        ], Ct);

        var byId = r.NewFills.Concat(r2.NewFills).ToDictionary(f => f.ExecId);
        Assert.Equal((0m, false), (byId["open"].RealizedPnl, byId["open"].Closing));
        Assert.Equal((0m, false), (byId["add"].RealizedPnl, byId["add"].Closing));
        Assert.Equal((10m, true), (byId["partial"].RealizedPnl, byId["partial"].Closing));
        Assert.Equal((45m, true), (byId["flip"].RealizedPnl, byId["flip"].Closing));
        Assert.Equal((-10m, true), (byId["cover-part"].RealizedPnl, byId["cover-part"].Closing));
        Assert.Equal((20m, true), (byId["cover-flip"].RealizedPnl, byId["cover-flip"].Closing));
        Assert.Equal((0m, true), (byId["flat"].RealizedPnl, byId["flat"].Closing));

        var afterFirst = r.ChangedPositions.Single();
        Assert.Equal(("alpha", "BTCUSDT", -2m, 120m), (afterFirst.BotId, afterFirst.Symbol, afterFirst.Qty, afterFirst.AveragePrice));
        Assert.Equal((0m, 0m), (r2.ChangedPositions.Single().Qty, r2.ChangedPositions.Single().AveragePrice));

        // What was returned is what was stored.
        var stored = await db.Fills.QueryAsync(new FillQuery(), Ct);
        Assert.Equal(byId.Values.OrderBy(f => f.ExecId), stored.OrderBy(f => f.ExecId));
        var pnl = PnlFigures.Of(stored);
        Assert.Equal((65m, 5, 3, 1), (pnl.RealizedPnl, pnl.ClosingFills, pnl.Wins, pnl.Losses));
    }

    [Fact]
    public async Task A_batch_applies_in_execution_time_order_whatever_its_arrival_order()
    {
        await using var db = await CreateAsync();
        var r = await db.Fills.IngestAsync([Sell("close", 1, 110, T0.AddMinutes(1)), Buy("open", 1, 100, T0)], Ct);

        Assert.Equal((10m, true), (r.NewFills.Single(f => f.ExecId == "close").RealizedPnl, r.NewFills.Single(f => f.ExecId == "close").Closing));
        Assert.Equal(0m, r.ChangedPositions.Single().Qty);
    }

    [Fact]
    public async Task Positions_are_kept_per_bot_and_symbol_with_unrealized_pnl_at_the_last_fill_price()
    {
        await using var db = await CreateAsync();
        await db.Fills.IngestAsync([Buy("a1", 1, 100, bot: "alpha"), Sell("b1", 2, 50, bot: "beta"), Buy("a2", 3, 10, symbol: "ETHUSDT")], Ct);
        var r = await db.Fills.IngestAsync([Buy("a3", 1, 120, T0.AddMinutes(1), bot: "alpha")], Ct);

        var alpha = r.ChangedPositions.Single();
        Assert.Equal(("alpha", "BTCUSDT", 2m, 110m, 20m), (alpha.BotId, alpha.Symbol, alpha.Qty, alpha.AveragePrice, alpha.UnrealizedPnl));
        await using var ctx = await db.Contexts.CreateDbContextAsync(Ct);
        var rows = await ctx.BotPositions.AsNoTracking().OrderBy(p => p.BotId).ThenBy(p => p.Symbol).ToListAsync(Ct);
        Assert.Equal(
            [("alpha", "BTCUSDT", 2m, 110m), ("alpha", "ETHUSDT", 3m, 10m), ("beta", "BTCUSDT", -2m, 50m)],
            rows.Select(p => (p.BotId, p.Symbol, p.Qty, p.AvgPrice)));
    }

    [Fact]
    public async Task A_batch_that_dies_before_commit_leaves_nothing_and_can_be_replayed()
    {
        await using var db = await CreateAsync();
        await db.Fills.IngestAsync([Buy("before", 1, 100)], Ct);
        var batch = new[] { Buy("x1", 1, 100, T0.AddMinutes(1)), Sell("x2", 2, 110, T0.AddMinutes(2)), Buy("x3", 1, 90, T0.AddMinutes(3)) };
        db.Fills.BeforeCommit = _ => throw new IOException("process died");

        await Assert.ThrowsAsync<IOException>(() => db.Fills.IngestAsync(batch, Ct));

        Assert.Equal(1, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
        Assert.Equal(["before"], (await db.Fills.QueryAsync(new FillQuery(), Ct)).Select(f => f.ExecId));
        await using (var ctx = await db.Contexts.CreateDbContextAsync(Ct))
            Assert.Equal(1m, (await ctx.BotPositions.AsNoTracking().SingleAsync(Ct)).Qty);

        db.Fills.BeforeCommit = null;
        var replay = await db.Fills.IngestAsync(batch, Ct);
        Assert.Equal(3, replay.NewFills.Count);
        Assert.Equal(20m, replay.NewFills.Single(f => f.ExecId == "x2").RealizedPnl);
        Assert.Equal((1m, 90m), (replay.ChangedPositions.Single().Qty, replay.ChangedPositions.Single().AveragePrice));
    }

    [Fact]
    public async Task A_cancelled_batch_leaves_nothing()
    {
        await using var db = await CreateAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        db.Fills.BeforeCommit = token => { cts.Cancel(); token.ThrowIfCancellationRequested(); return Task.CompletedTask; };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.Fills.IngestAsync([Buy("c1", 1, 100), Buy("c2", 1, 100)], cts.Token));

        Assert.Equal(0, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
    }

    [Fact]
    public async Task An_invalid_execution_is_dead_lettered_and_the_rest_of_its_batch_is_stored()
    {
        await using var db = await CreateAsync();
        await db.Fills.IngestAsync([Buy("open", 1, 100)], Ct);
        ExecutionReport[] batch =
        [
            Buy("ok-1", 1, 110, T0.AddSeconds(1)), Buy("zero-qty", 0, 100, T0.AddSeconds(2)), Sell("ok-2", 1, 120, T0.AddSeconds(3)),
            Buy("no-price", 1, 0, T0.AddSeconds(4)), Buy("no-symbol", 1, 100, T0.AddSeconds(5), symbol: " "),
        ];

        var r = await db.Fills.IngestAsync(batch, Ct);

        // The valid rows are stored with the usual PnL and position update: long 2 @ 105, one sold at 120.
        Assert.Equal(["ok-1", "ok-2"], r.NewFills.Select(f => f.ExecId));
        Assert.Equal(15m, r.NewFills[1].RealizedPnl);
        Assert.Equal((1m, 105m), (r.ChangedPositions.Single().Qty, r.ChangedPositions.Single().AveragePrice));
        Assert.Equal(["bad_price", "bad_qty", "missing_symbol"], r.DeadLettered.Select(d => d.Kind).Order());
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters", Ct));
        var reason = await db.ScalarAsync<string>("SELECT reason FROM fill_dead_letters WHERE exec_id = 'zero-qty'", Ct);
        Assert.Contains("quantity 0", reason);
        var raw = await db.ScalarAsync<string>("SELECT raw_event FROM fill_dead_letters WHERE exec_id = 'no-price'", Ct);
        Assert.Contains("\"execId\":\"no-price\"", raw);
        Assert.Contains("\"price\":0", raw);

        // Redelivered (the stream reconnects): no duplicate fills or dead letters, nothing reported as new.
        var again = await db.Fills.IngestAsync(batch, Ct);

        Assert.Empty(again.NewFills);
        Assert.Empty(again.DeadLettered);
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters", Ct));
        // Another instance (nothing cached) sees the same.
        var other = await db.NewFillStore().IngestAsync(batch, Ct);
        Assert.Empty(other.NewFills);
        Assert.Empty(other.DeadLettered);
        Assert.Equal(3, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters", Ct));
    }

    [Fact]
    public async Task Through_the_fills_path_a_bad_row_is_noticed_to_admins_once_and_the_others_stored()
    {
        await using var db = await CreateAsync();
        var channel = new CapturingChannel();
        var hub = new NotificationHub([channel], Microsoft.Extensions.Options.Options.Create(new NotificationOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<NotificationHub>.Instance);
        var path = new FillsPath(db.Fills, new AiTradingBot.Core.InProcess.NullPositionPublisher(), hub, source: "test");
        ExecutionReport[] batch = [Buy("p1", 1, 100), Buy("p-bad", 0, 100, T0.AddSeconds(1)), Buy("p2", 1, 120, T0.AddSeconds(2))];

        await path.OnExecutionsAsync(batch, Ct);
        await path.OnExecutionsAsync(batch, Ct);
        // A second instance's fills path (its own cache) gets the same redelivery.
        await new FillsPath(db.NewFillStore(), new AiTradingBot.Core.InProcess.NullPositionPublisher(), hub, source: "test").OnExecutionsAsync(batch, Ct);

        Assert.Equal(["p1", "p2"], (await db.Fills.QueryAsync(new FillQuery(), Ct)).Select(f => f.ExecId).Order());
        Assert.Equal(1, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters", Ct));
        Assert.Contains("quantity 0", await db.ScalarAsync<string>("SELECT reason FROM fill_dead_letters WHERE exec_id = 'p-bad'", Ct));
        var notice = Assert.Single(channel.Sent, n => n.Kind == NotificationKind.System);
        Assert.Contains("p-bad", notice.Text);
        Assert.Contains("1 bad_qty", notice.Text);
        Assert.Equal(2, channel.Sent.Count(n => n.Kind == NotificationKind.Fill));
    }

    private sealed class CapturingChannel : INotificationChannel
    {
        private readonly List<Notification> _sent = [];

        public string Name => "capture";

        public IReadOnlyList<Notification> Sent { get { lock (_sent) return _sent.ToList(); } }

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            lock (_sent) _sent.Add(notification);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_batch_of_only_bad_executions_stores_dead_letters_with_secrets_masked()
    {
        await using var db = await CreateAsync();
        await db.Migrator.MigrateAsync(Ct);
        var store = db.NewFillStore(new SecretRedactor(["tok-SECRET-99"]));
        var leaky = Buy("", 1, 100) with { ClientOrderId = "ref tok-SECRET-99" };

        var r = await store.IngestAsync([leaky, leaky, Buy("neg", -2, 100)], Ct);

        Assert.Empty(r.NewFills);
        Assert.Equal(["missing_exec_id", "bad_qty"], r.DeadLettered.Select(d => d.Kind));
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters", Ct));
        Assert.Equal(0, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters WHERE raw_event LIKE '%tok-SECRET-99%'", Ct));
        Assert.Equal(1, await db.ScalarAsync<int>("SELECT count(*) FROM fill_dead_letters WHERE exec_id IS NULL AND dedupe_key LIKE 'sha256:%'", Ct));
        Assert.Empty((await store.IngestAsync([leaky], Ct)).DeadLettered);
        Assert.Equal(0, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
    }

    [Fact]
    public async Task Two_instances_ingesting_overlapping_batches_store_each_execution_once()
    {
        await using var db = await CreateAsync();
        await db.Migrator.MigrateAsync(Ct);
        var a = db.NewFillStore();
        var b = db.NewFillStore();
        var events = Enumerable.Range(0, 400).Select(i => Buy($"e{i}", 1, 100 + i % 7, T0.AddSeconds(i))).ToList();
        // Both instances see every execution, in batches that overlap differently.
        var ta = Task.Run(async () => { foreach (var chunk in events.Chunk(50)) await a.IngestAsync(chunk, Ct); }, Ct);
        var tb = Task.Run(async () => { foreach (var chunk in events.Chunk(70)) await b.IngestAsync(chunk, Ct); }, Ct);
        await Task.WhenAll(ta, tb);

        Assert.Equal(400, await db.ScalarAsync<int>("SELECT count(*) FROM fills", Ct));
        await using var ctx = await db.Contexts.CreateDbContextAsync(Ct);
        Assert.Equal(400m, (await ctx.BotPositions.AsNoTracking().SingleAsync(Ct)).Qty);
    }

    [Fact]
    public async Task Queries_filter_by_time_symbol_and_bot_newest_first_with_a_limit()
    {
        await using var db = await CreateAsync();
        await db.Fills.IngestAsync(
        [
            Buy("a", 1, 100, T0, bot: "alpha", symbol: "BTCUSDT"),
            Buy("b", 1, 100, T0.AddHours(1), bot: "beta", symbol: "BTCUSDT"),
            Buy("c", 1, 100, T0.AddHours(2), bot: "alpha", symbol: "ETHUSDT"),
            Buy("d", 1, 100, T0.AddHours(3), bot: "alpha", symbol: "BTCUSDT"),
        ], Ct);

        Assert.Equal(["d", "c", "b", "a"], Ids(await db.Fills.QueryAsync(new FillQuery(), Ct)));
        Assert.Equal(["c", "b"], Ids(await db.Fills.QueryAsync(new FillQuery(T0.AddHours(1), T0.AddHours(3)), Ct)));
        Assert.Equal(["d", "a"], Ids(await db.Fills.QueryAsync(new FillQuery(Symbol: "BTCUSDT", BotId: "alpha"), Ct)));
        Assert.Equal(["d", "c"], Ids(await db.Fills.QueryAsync(new FillQuery(BotId: "alpha", Limit: 2), Ct)));
        Assert.Equal(["b"], Ids(await db.Fills.QueryAsync(new FillQuery(From: T0.AddMinutes(1), BotId: "beta"), Ct)));
        Assert.Empty(await db.Fills.QueryAsync(new FillQuery(Limit: 0), Ct));
        // A bound given in another offset means the same instant.
        var berlin = TimeSpan.FromHours(1);
        Assert.Equal(["d"], Ids(await db.Fills.QueryAsync(new FillQuery(From: T0.AddHours(3).ToOffset(berlin)), Ct)));
    }

    [Fact]
    public async Task The_last_execution_time_is_the_newest_stored_one()
    {
        await using var db = await CreateAsync();
        Assert.Null(await db.Fills.LastExecutionTimeAsync(Ct));
        await db.Fills.IngestAsync([Buy("late", 1, 100, T0.AddMinutes(5)), Buy("early", 1, 100, T0)], Ct);

        Assert.Equal(T0.AddMinutes(5), await db.Fills.LastExecutionTimeAsync(Ct));
    }

    [Fact]
    public async Task Money_and_quantities_round_trip_exactly()
    {
        await using var db = await CreateAsync();
        var tiny = 0.000000000000000001m;
        var huge = 12345678901234.123456789m;
        await db.Fills.IngestAsync(
        [
            Exec("t1", OrderSide.Buy, 0.1m, 0.1m, T0, fee: tiny),
            Exec("t2", OrderSide.Buy, 0.2m, huge, T0.AddSeconds(1), fee: 0.3m),
            Exec("t3", OrderSide.Sell, 0.3m, 3.3333333333333333333333333333m, T0.AddSeconds(2), fee: -0.00001m),
        ], Ct);

        var fills = (await db.Fills.QueryAsync(new FillQuery(), Ct)).ToDictionary(f => f.ExecId);
        Assert.Equal((0.1m, 0.1m, tiny), (fills["t1"].Qty, fills["t1"].Price, fills["t1"].Fee));
        Assert.Equal(huge, fills["t2"].Price);
        Assert.Equal(3.3333333333333333333333333333m, fills["t3"].Price);
        Assert.Equal(0.6m, fills.Values.Sum(f => f.Qty));
        Assert.Equal(0.299990000000000001m, PnlFigures.Of(fills.Values).Fees);
    }

    [Fact]
    public async Task Pnl_periods_split_at_midnight_in_the_configured_time_zone()
    {
        await using var db = await CreateAsync();
        var berlin = PnlPeriods.Zone("Europe/Berlin");
        // 22:30 UTC on 14 Jan is 23:30 in Berlin (still the 14th); 23:30 UTC is 00:30 on the 15th in Berlin.
        var beforeBerlinMidnight = new DateTimeOffset(2025, 1, 14, 22, 30, 0, TimeSpan.Zero);
        var afterBerlinMidnight = new DateTimeOffset(2025, 1, 14, 23, 30, 0, TimeSpan.Zero);
        await db.Fills.IngestAsync(
        [
            Buy("open", 2, 100, beforeBerlinMidnight.AddHours(-1)),
            Sell("win", 1, 110, beforeBerlinMidnight),   // +10 on the 14th in both zones
            Sell("loss", 1, 95, afterBerlinMidnight),    // -5: the 15th in Berlin, still the 14th in UTC
        ], Ct);
        var now = new DateTimeOffset(2025, 1, 15, 9, 0, 0, TimeSpan.Zero);

        async Task<PnlFigures> Pnl(PnlPeriod period, TimeZoneInfo zone)
        {
            var (from, to) = PnlPeriods.Range(period, now, zone);
            return PnlFigures.Of(await db.Fills.QueryAsync(new FillQuery(from, to), Ct));
        }

        Assert.Equal((-5m, 0, 1), Figures(await Pnl(PnlPeriod.Today, berlin)));
        Assert.Equal((10m, 1, 0), Figures(await Pnl(PnlPeriod.Yesterday, berlin)));
        Assert.Equal((0m, 0, 0), Figures(await Pnl(PnlPeriod.Today, TimeZoneInfo.Utc)));
        Assert.Equal((5m, 1, 1), Figures(await Pnl(PnlPeriod.Yesterday, TimeZoneInfo.Utc)));
        Assert.Equal((5m, 1, 1), Figures(await Pnl(PnlPeriod.Month, berlin)));
        Assert.Equal(0.3m, (await Pnl(PnlPeriod.All, berlin)).Fees);

        static (decimal, int, int) Figures(PnlFigures f) => (f.RealizedPnl, f.Wins, f.Losses);
    }

    // ---- audit ----

    [Fact]
    public async Task Audit_records_read_back_newest_first_with_steps_and_reasons()
    {
        await using var db = await CreateAsync();
        var first = new AuditRecord(T0, "telegram", "42", "ann", "-100", "stop alpha", """{"steps":[{"action":"system.stop"}]}""",
            AuditDecision.Awaiting, ["gated: stop"], [], "cf-1", "PAPER");
        var second = first with
        {
            Time = T0.AddSeconds(5), Decision = AuditDecision.Confirmed, Reasons = [],
            Steps = [new AuditStep("system.stop", "ok", "stopped in 2.1 s"), new AuditStep("system.logs", "ok", null)],
        };
        await db.Audit.AppendAsync(first, Ct);
        await db.Audit.AppendAsync(second, Ct);

        var recent = await db.Audit.ReadRecentAsync(10, Ct);
        Assert.Equal(2, recent.Count);
        AssertSame(second, recent[0]);
        AssertSame(first, recent[1]);
        Assert.Single(await db.Audit.ReadRecentAsync(1, Ct));
        Assert.Empty(await db.Audit.ReadRecentAsync(0, Ct));

        static void AssertSame(AuditRecord expected, AuditRecord actual)
        {
            Assert.Equal(expected with { Reasons = [], Steps = [] }, actual with { Reasons = [], Steps = [] });
            Assert.Equal(expected.Reasons, actual.Reasons);
            Assert.Equal(expected.Steps, actual.Steps);
        }
    }

    [Fact]
    public async Task An_audit_row_written_inside_an_activity_keeps_its_trace_id()
    {
        await using var db = await CreateAsync();
        var record = new AuditRecord(T0, "console", "1", null, "1", "positions", null, AuditDecision.Executed, [], [], null, "PAPER");
        await db.Audit.AppendAsync(record with { Text = "before" }, Ct);
        string traceId;
        using (var activity = new Activity("test message").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceId = activity.TraceId.ToHexString();
            await db.Audit.AppendAsync(record with { Text = "inside" }, Ct);
            // A trace id the caller set is kept as given.
            await db.Audit.AppendAsync(record with { Text = "explicit", TraceId = "0af7651916cd43dd8448eb211c80319c" }, Ct);
        }
        await db.Audit.AppendAsync(record with { Text = "after" }, Ct);

        var rows = (await db.Audit.ReadRecentAsync(10, Ct)).ToDictionary(r => r.Text, r => r.TraceId);
        Assert.Equal(32, traceId.Length);
        Assert.Equal(traceId, rows["inside"]);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", rows["explicit"]);
        Assert.Null(rows["before"]);
        Assert.Null(rows["after"]);
        Assert.Equal(traceId, await db.ScalarAsync<string>("SELECT trace_id FROM audit_log WHERE text = 'inside'", Ct));
    }

    [Fact]
    public async Task The_audit_log_refuses_updates_and_deletes()
    {
        await using var db = await CreateAsync();
        await db.Audit.AppendAsync(new AuditRecord(T0, "console", "1", null, "1", "hi", null, AuditDecision.NoAction, [], [], null, "PAPER"), Ct);

        var update = await Assert.ThrowsAnyAsync<Exception>(() => db.ExecuteAsync("UPDATE audit_log SET text = 'edited'", Ct));
        var delete = await Assert.ThrowsAnyAsync<Exception>(() => db.ExecuteAsync("DELETE FROM audit_log", Ct));

        Assert.Contains("append-only", update.Message);
        Assert.Contains("append-only", delete.Message);
        Assert.Equal("hi", (await db.Audit.ReadRecentAsync(1, Ct)).Single().Text);
    }

    // ---- orders ----

    [Fact]
    public async Task The_order_journal_keeps_one_row_per_client_order_id_and_updates_it()
    {
        await using var db = await CreateAsync(new ManualTime(T0));
        var request = new OrderRequest("alpha-tp-1", "alpha", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Limit, 0.5m, 95000.5m,
            new OrderTrigger(96000m, TriggerDirection.Above), TakeProfit: 99000m, StopLoss: 94000m, Leverage: 3, ReduceOnly: false);
        await db.Orders.RecordAsync(request, new OrderResult(true, null, request.ClientOrderId, OrderStatus.Untriggered, 0m, null), Ct);
        ((ManualTime)db.Time).Advance(TimeSpan.FromSeconds(30));
        await db.Orders.RecordAsync(request, new OrderResult(true, "ex-9", request.ClientOrderId, OrderStatus.Filled, 0.5m, 95000.5m), Ct);

        var journal = await db.Orders.SinceAsync(T0.AddMinutes(-1), Ct);
        var order = Assert.Single(journal);
        Assert.Equal(request, order.Request);
        Assert.Equal(new OrderResult(true, "ex-9", request.ClientOrderId, OrderStatus.Filled, 0.5m, 95000.5m), order.Result);
        Assert.Equal(T0, order.Time);
    }

    [Fact]
    public async Task The_order_journal_lists_orders_since_a_time_newest_first_with_rejections()
    {
        await using var db = await CreateAsync(new ManualTime(T0));
        var time = (ManualTime)db.Time;
        foreach (var id in new[] { "o1", "o2", "o3" })
        {
            var request = new OrderRequest(id, "alpha", "ETHUSDT", OrderCategory.Spot, OrderSide.Sell, OrderType.Market, 1m);
            var result = id == "o3"
                ? new OrderResult(false, null, id, OrderStatus.Rejected, 0m, null, "insufficient balance")
                : new OrderResult(true, "x-" + id, id, OrderStatus.New, 0m, null);
            await db.Orders.RecordAsync(request, result, Ct);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        var since = await db.Orders.SinceAsync(T0.AddSeconds(30), Ct);
        Assert.Equal(["o3", "o2"], since.Select(o => o.Request.ClientOrderId));
        Assert.Equal((false, "insufficient balance", (string?)null), (since[0].Result.Accepted, since[0].Result.RejectReason, since[0].Result.OrderId));
    }

    // ---- positions per category ----

    [Fact]
    public async Task Spot_and_linear_fills_on_one_symbol_keep_separate_positions_and_never_net()
    {
        await using var db = await CreateAsync();
        await db.Fills.IngestAsync([Buy("s1", 0.1m, 50_000m) with { Category = OrderCategory.Spot }], Ct);

        // A linear sell of the same size opens a short; it does not close the spot holding.
        var r = await db.Fills.IngestAsync([Sell("l1", 0.1m, 51_000m, T0.AddMinutes(1))], Ct);
        var fill = Assert.Single(r.NewFills);
        Assert.False(fill.Closing);
        Assert.Equal(0m, fill.RealizedPnl);
        var p = Assert.Single(r.ChangedPositions);
        Assert.Equal((OrderCategory.Linear, -0.1m), (p.Category, p.Qty));

        // A second instance (cold cache) sees both positions: the spot sell realizes against the spot buy only.
        var again = await db.NewFillStore().IngestAsync([Sell("s2", 0.1m, 52_000m, T0.AddMinutes(2)) with { Category = OrderCategory.Spot }], Ct);
        Assert.Equal(200m, Assert.Single(again.NewFills).RealizedPnl);
        Assert.Equal((OrderCategory.Spot, 0m), (again.ChangedPositions.Single().Category, again.ChangedPositions.Single().Qty));
        var linearAgain = await db.Fills.IngestAsync([Buy("l2", 0.1m, 50_500m, T0.AddMinutes(3))], Ct);
        Assert.Equal(50m, Assert.Single(linearAgain.NewFills).RealizedPnl);
    }

    // ---- trading halt ----

    [Fact]
    public async Task The_halt_log_keeps_who_when_and_why_and_another_instance_reads_it()
    {
        await using var db = await CreateAsync();
        Assert.Null(await db.Halts.LatestAsync(Ct));
        await db.Halts.AppendAsync(new HaltEvent(T0, true, "alice", "killswitch"), Ct);

        var other = db.NewHaltLog();
        Assert.Equal(new HaltEvent(T0, true, "alice", "killswitch"), await other.LatestAsync(Ct));
        await other.AppendAsync(new HaltEvent(T0.AddMinutes(5), false, "bob", "trading.resume"), Ct);

        var events = await db.Halts.RecentAsync(10, Ct);
        Assert.Equal([false, true], events.Select(e => e.Halted));
        Assert.Equal(["bob", "alice"], events.Select(e => e.By));
        Assert.Equal(T0.AddMinutes(5), events[0].Time);
        Assert.False((await db.Halts.LatestAsync(Ct))!.Halted);
    }

    [Fact]
    public async Task The_halt_log_refuses_updates_and_deletes()
    {
        await using var db = await CreateAsync();
        await db.Halts.AppendAsync(new HaltEvent(T0, true, "alice", "killswitch"), Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => db.ExecuteAsync("UPDATE halt_events SET halted = false", Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.ExecuteAsync("DELETE FROM halt_events", Ct));
        Assert.True((await db.Halts.LatestAsync(Ct))!.Halted);
    }

    private static string[] Ids(IEnumerable<Fill> fills) => fills.Select(f => f.ExecId).ToArray();
}
