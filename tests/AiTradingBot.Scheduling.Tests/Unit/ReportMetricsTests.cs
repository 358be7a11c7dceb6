using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Scheduling.Tests.Support;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Unit;

[CollectionDefinition(nameof(ReportMetricsCollection), DisableParallelization = true)]
public sealed class ReportMetricsCollection;

/// <summary>
/// aitradingbot_reports_sent_total{kind,late} counts each delivered scheduled report once. Alone in its collection:
/// the meter is process-wide, so no other test's report may be counted while these run.
/// </summary>
[Collection(nameof(ReportMetricsCollection))]
public sealed class ReportMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_late_catch_up_report_counts_late_true_and_an_on_time_run_late_false()
    {
        using var sent = new ReportsSentListener();
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var due = DateTimeOffset.UtcNow.AddMinutes(-30);
        await using (var ask = await SchedulingTestHost.CreateAsync(store: store, start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Sitrep, $"{due.Minute} {due.Hour} * * *", "42", Ct);
        await store.SetAsync("report-fired:42:sitrep", due.AddDays(-1).ToString("O", CultureInfo.InvariantCulture), null, Ct);

        var logs = new LogCapture();
        await using var run = await SchedulingTestHost.CreateAsync(store: store, logs: logs);
        await WaitUntilAsync(() => sent.Count("sitrep", "true") == 1, logs);
        Assert.Single(run.Channel.Deliveries);
        Assert.Equal(0, sent.Count("sitrep", "false"));

        // An occurrence run when it is due (every minute, triggered now) is not late.
        await run.Scheduler.ScheduleAsync(ReportKind.Daily, "* * * * *", "43", Ct);
        new RecurringJobManager(await run.Services.GetRequiredService<Infrastructure.SchedulerStorage>().GetAsync(Ct)).Trigger("report:43:daily");
        await WaitUntilAsync(() => sent.Count("daily", "false") >= 1, logs);
        Assert.Equal(1, sent.Count("sitrep", "true"));
        Assert.Equal(0, sent.Count("daily", "true"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, LogCapture logs, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not met within {seconds}s. Logs:\n{string.Join("\n", logs.Lines)}");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Listens to the real counter the exporter reads.</summary>
    private sealed class ReportsSentListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Kind, string Late), long> _counts = new();

        public ReportsSentListener()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                // By name: this can run during the telemetry class's static initialization, before its fields are set.
                if (instrument.Meter.Name == AiTradingBotTelemetry.Name && instrument.Name == "aitradingbot.reports.sent") l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? kind = null, late = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "kind") kind = tag.Value as string;
                    else if (tag.Key == "late") late = tag.Value as string;
                }
                _counts.AddOrUpdate((kind ?? "", late ?? ""), value, (_, old) => old + value);
            });
            _listener.Start();
        }

        public long Count(string kind, string late) => _counts.GetValueOrDefault((kind, late));

        public void Dispose() => _listener.Dispose();
    }
}
