using System.Collections.Concurrent;
using System.Diagnostics;
using AiTradingBot.Core;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Paper;
using AiTradingBot.Scheduling;
using AiTradingBot.Scheduling.Cron;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Scheduled reports on Hangfire: cron conversion rate; schedule/list cost with Hangfire.InMemory and with the shared
/// PostgreSQL storage; and, with PostgreSQL, how late and how often a batch of reports due in the same minute fires across
/// two instances. Args: [schedules=500] [fireJobs=40]; PostgreSQL from ATB_TEST_POSTGRES (a fresh database is made).
/// </summary>
public sealed class SchedulingBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "scheduling";

    /// <inheritdoc />
    public string Description => "Report scheduler: cron conversion, schedule/list in memory and on PostgreSQL, same-minute firing across two instances.";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var schedules = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var fireJobs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;

        string[] crons = ["0 8 * * *", "*/15 * * * 1-5", "0 8 1,15 * 1", "30 9 * * MON-FRI", "5/20 2 * JAN-MAR *"];
        var sw = Stopwatch.StartNew();
        var conversions = 0;
        while (sw.ElapsedMilliseconds < 1000) foreach (var c in crons) { HangfireCron.Convert(c); conversions++; }
        var conversionsPerSecond = conversions / sw.Elapsed.TotalSeconds;

        var memory = await MeasureStoreAsync(new Dictionary<string, string?>(), schedules, ct);
        object? postgres = null;
        object? firing = null;
        var admin = Environment.GetEnvironmentVariable("ATB_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(admin))
        {
            var database = $"atb_sched_bench_{Guid.NewGuid():N}";
            await ExecuteAsync(admin, $"CREATE DATABASE {database}", ct);
            try
            {
                var cs = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
                await new AiTradingBot.Scheduling.Migrations.SchedulerSchemaMigrator(cs, TimeProvider.System).MigrateAsync(ct); // as `migrate` does
                postgres = await MeasureStoreAsync(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = cs, ["Scheduling:InstanceId"] = "bench" }, schedules, ct);
                firing = await MeasureFiringAsync(cs, fireJobs, ct);
            }
            finally
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)", ct);
            }
        }
        return new
        {
            cronConversionsPerSecond = Math.Round(conversionsPerSecond),
            inMemory = memory,
            postgres = postgres ?? "skipped: ATB_TEST_POSTGRES not set",
            firing = firing ?? "skipped: ATB_TEST_POSTGRES not set",
        };
    }

    private static async Task<object> MeasureStoreAsync(Dictionary<string, string?> settings, int count, CancellationToken ct)
    {
        await using var host = await HostAsync(settings, new ConcurrentQueue<(string, DateTimeOffset, Notification)>(), "bench", start: false, ct);
        var scheduler = host.Services.GetRequiredService<IReportScheduler>();
        await scheduler.ListAsync(null, ct); // creation (and migration) outside the timing
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await scheduler.ScheduleAsync(ReportKind.Daily, "0 8 * * 1-5", (100_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        var scheduleMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var listed = (await scheduler.ListAsync(null, ct)).Count;
        var listAllMs = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        var one = (await scheduler.ListAsync("100000", ct)).Count;
        var listOneChatMs = sw.Elapsed.TotalMilliseconds;
        return new { schedules = count, listed, scheduleMsEach = Math.Round(scheduleMs / count, 3), listAllMs = Math.Round(listAllMs, 1), listOneChatMs = Math.Round(listOneChatMs, 1), listedForOneChat = one };
    }

    private static async Task<object> MeasureFiringAsync(string connectionString, int jobs, CancellationToken ct)
    {
        var deliveries = new ConcurrentQueue<(string Instance, DateTimeOffset At, Notification Notification)>();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString, ["Scheduling:WorkerCount"] = "4" };
        settings["Scheduling:InstanceId"] = "node-a";
        await using var a = await HostAsync(settings, deliveries, "node-a", start: true, ct);
        settings["Scheduling:InstanceId"] = "node-b";
        await using var b = await HostAsync(settings, deliveries, "node-b", start: true, ct);
        var scheduler = a.Services.GetRequiredService<IReportScheduler>();
        foreach (var s in await scheduler.ListAsync(null, ct)) await scheduler.CancelAsync(s.Kind, s.ChatId, ct);
        var now = DateTimeOffset.UtcNow;
        var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second > 45 ? 2 : 1);
        for (var i = 0; i < jobs; i++) await scheduler.ScheduleAsync(ReportKind.Sitrep, $"{due.Minute} {due.Hour} * * *", $"chat{i}", ct);
        await Task.Delay(due.AddSeconds(20) - DateTimeOffset.UtcNow, ct);
        var delays = deliveries.Select(d => (d.At - due).TotalMilliseconds).Order().ToArray();
        return new
        {
            jobsDueInTheSameMinute = jobs,
            delivered = delays.Length,
            distinctChats = deliveries.Select(d => d.Notification.ChatId).Distinct().Count(),
            byInstance = deliveries.GroupBy(d => d.Instance).ToDictionary(g => g.Key, g => g.Count()),
            delayMsP50 = delays.Length == 0 ? 0 : Math.Round(delays[delays.Length / 2]),
            delayMsP95 = delays.Length == 0 ? 0 : Math.Round(delays[(int)(delays.Length * 0.95)]),
            delayMsMax = delays.Length == 0 ? 0 : Math.Round(delays[^1]),
        };
    }

    private static async Task<BenchHost> HostAsync(Dictionary<string, string?> settings, ConcurrentQueue<(string, DateTimeOffset, Notification)> deliveries, string instance, bool start, CancellationToken ct)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Storage:Ephemeral"] = "true", ["Systems:alpha:Container"] = "shortseller_trading" });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IKeyValueStore>(new InMemoryKeyValueStore(TimeProvider.System));
        builder.Services.AddSingleton<INotificationChannel>(new Channel(instance, deliveries));
        builder.Services.AddAiTradingBotPaper(builder.Configuration);
        builder.Services.AddAiTradingBotScheduling(builder.Configuration);
        builder.Services.AddAiTradingBotCore(builder.Configuration);
        var host = builder.Build();
        if (start) await host.StartAsync(ct);
        return new BenchHost(host, start);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed class BenchHost(IHost host, bool started) : IAsyncDisposable
    {
        public IServiceProvider Services => host.Services;

        public async ValueTask DisposeAsync()
        {
            if (started) await host.StopAsync(CancellationToken.None);
            if (host is IAsyncDisposable d) await d.DisposeAsync();
            else host.Dispose();
        }
    }

    private sealed class Channel(string instance, ConcurrentQueue<(string, DateTimeOffset, Notification)> deliveries) : INotificationChannel
    {
        public string Name => $"bench:{instance}";

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            deliveries.Enqueue((instance, DateTimeOffset.UtcNow, notification));
            return Task.CompletedTask;
        }
    }
}
