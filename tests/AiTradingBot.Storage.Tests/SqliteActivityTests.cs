using System.Collections.Concurrent;
using System.Diagnostics;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Storage.Embedded;
using AiTradingBot.Storage.Tests.Support;
using Xunit;
using static AiTradingBot.Storage.Tests.Support.Executions;

namespace AiTradingBot.Storage.Tests;

/// <summary>The embedded store reports a client span per command batch, as Npgsql does for PostgreSQL.</summary>
public sealed class SqliteActivityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Storing_fills_on_sqlite_makes_client_spans_under_the_current_activity()
    {
        await using var db = await TestDatabase.SqliteAsync();
        await db.Migrator.MigrateAsync(Ct);
        var spans = new ConcurrentQueue<Activity>();
        using var parent = new ActivitySource("atb-test-" + Guid.NewGuid().ToString("N")[..8]);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AiTradingBotTelemetry.Name || s.Name == parent.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.Source.Name == AiTradingBotTelemetry.Name) spans.Enqueue(a); },
        };
        ActivitySource.AddActivityListener(listener);

        string traceId;
        using (var message = parent.StartActivity("message")!)
        {
            traceId = message.TraceId.ToHexString();
            await db.Fills.IngestAsync([Buy("sp-1", 1, 100), Buy("sp-2", 1, 100)], Ct);
        }

        var mine = spans.Where(s => s.TraceId.ToHexString() == traceId).ToList();
        Assert.Contains(mine, s => s.DisplayName == "sqlite INSERT" && s.Kind == ActivityKind.Client && (string?)s.GetTagItem("db.system") == "sqlite");
        Assert.Contains(mine, s => s.DisplayName == "sqlite SELECT");
        Assert.All(mine, s => Assert.Null(s.GetTagItem("db.statement")));
    }

    [Theory]
    [InlineData("  insert into x values (1)", "INSERT")]
    [InlineData("SELECT 1", "SELECT")]
    [InlineData("", "command")]
    public void The_span_is_named_after_the_statement_keyword(string sql, string expected) =>
        Assert.Equal(expected, SqliteCommandActivities.Operation(sql));
}

/// <summary>On PostgreSQL the client spans come from Npgsql's own source, the name the host's tracing subscribes to.</summary>
public sealed class PostgresActivityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Storing_fills_on_postgres_makes_npgsql_client_spans_under_the_current_activity()
    {
        await using var db = await TestDatabase.PostgresAsync();
        await db.Migrator.MigrateAsync(Ct);
        var spans = new ConcurrentQueue<Activity>();
        using var parent = new ActivitySource("atb-test-" + Guid.NewGuid().ToString("N")[..8]);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql" || s.Name == parent.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.Source.Name == "Npgsql") spans.Enqueue(a); },
        };
        ActivitySource.AddActivityListener(listener);

        string traceId;
        using (var message = parent.StartActivity("message")!)
        {
            traceId = message.TraceId.ToHexString();
            await db.Fills.IngestAsync([Buy("pg-1", 1, 100)], Ct);
        }

        Assert.Contains(spans, s => s.TraceId.ToHexString() == traceId && s.Kind == ActivityKind.Client);
    }
}
