using System.Data.Common;
using AiTradingBot.Core.Ports;
using AiTradingBot.Storage.Model;
using AiTradingBot.Storage.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;
using static AiTradingBot.Storage.Tests.Support.Executions;

namespace AiTradingBot.Storage.Tests;

/// <summary>On a large fills table the queries EF sends use the time, bot and symbol indexes.</summary>
public sealed class PostgresQueryPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fill_queries_on_a_large_table_use_the_time_bot_and_symbol_indexes()
    {
        await using var db = await TestDatabase.PostgresAsync();
        var events = Enumerable.Range(0, 60_000)
            .Select(i => Buy($"p{i}", 1, 100, T0.AddSeconds(i), bot: $"bot{i % 20}", symbol: $"S{i / 20 % 30}USDT"))
            // A bot and a symbol that traded only at the start: scanning by time alone would read the whole table.
            .Concat(Enumerable.Range(0, 10).Select(i => Buy($"r{i}", 1, 100, T0.AddSeconds(-100 + i), bot: "rare", symbol: "RAREUSDT")))
            .ToList();
        foreach (var chunk in events.Chunk(5_000)) await db.Fills.IngestAsync(chunk, Ct);
        await db.ExecuteAsync("ANALYZE fills", Ct);

        var plans = new PlanCapture();
        var options = new DbContextOptionsBuilder<TradingDbContext>();
        db.Database.Configure(options);
        options.AddInterceptors(plans);
        var store = new DatabaseFillStore(db.Database, new StorageReadiness(db.Migrator, Options.Create(new StorageOptions())),
            new PooledDbContextFactory<TradingDbContext>(options.Options), TimeProvider.System);

        async Task<string> PlanOf(FillQuery query)
        {
            plans.Last = null;
            await store.QueryAsync(query, Ct);
            return plans.Last ?? throw new InvalidOperationException("no query captured");
        }

        var newest = await PlanOf(new FillQuery(Limit: 50));
        var hour = await PlanOf(new FillQuery(T0.AddHours(5), T0.AddHours(6)));
        var busyBot = await PlanOf(new FillQuery(BotId: "bot7", Limit: 20));
        var rareBot = await PlanOf(new FillQuery(BotId: "rare", Limit: 20));
        var rareSymbol = await PlanOf(new FillQuery(Symbol: "RAREUSDT", Limit: 20));
        var symbolHour = await PlanOf(new FillQuery(T0.AddHours(1), T0.AddHours(2), Symbol: "S3USDT"));

        Assert.Contains("fills_exec_time_idx", newest);
        Assert.Contains("fills_exec_time_idx", hour);
        Assert.Contains("fills_bot_time_idx", rareBot);
        Assert.Contains("fills_symbol_time_idx", rareSymbol);
        Assert.All(new[] { newest, hour, busyBot, rareBot, rareSymbol, symbolHour }, p => Assert.DoesNotContain("Seq Scan", p));
    }

    /// <summary>Explains each query EF is about to run, with its real parameters, on the same connection.</summary>
    private sealed class PlanCapture : DbCommandInterceptor
    {
        public string? Last { get; set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM trading.fills", StringComparison.Ordinal))
            {
                await using var explain = new NpgsqlCommand("EXPLAIN " + command.CommandText, (NpgsqlConnection)command.Connection!, (NpgsqlTransaction?)command.Transaction);
                foreach (NpgsqlParameter p in command.Parameters) explain.Parameters.Add(p.Clone());
                var lines = new List<string>();
                await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
                    while (await reader.ReadAsync(cancellationToken)) lines.Add(reader.GetString(0));
                Last = string.Join('\n', lines);
            }
            return result;
        }
    }
}
