using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Audit;

public sealed class ExecutingAuditTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_confirmed_plan_is_audited_as_executing_before_it_runs_and_as_confirmed_after()
    {
        await using var host = new CoreTestHost();
        var card = await host.SayAsync("restart bravo");
        Assert.Equal(ReplyKind.AwaitingConfirmation, card.Kind);
        var done = await host.ConfirmAsync(card.Card!.Id);
        Assert.Equal(ReplyKind.Done, done.Kind);

        var rows = (await host.Get<IAuditLog>().ReadRecentAsync(10, _ct)).Where(r => r.ConfirmationId == card.Card.Id).Reverse().ToList();
        Assert.Equal([AuditDecision.Awaiting, AuditDecision.Executing, AuditDecision.Confirmed], rows.Select(r => r.Decision));
        Assert.Empty(rows[1].Steps);
        Assert.NotEmpty(rows[2].Steps);
        Assert.Empty(await host.Get<InterruptedExecutions>().FindAsync(_ct));
    }

    [Fact]
    public async Task An_executing_row_left_by_a_stopped_process_is_reported_to_admins_once()
    {
        var audit = new InMemoryAuditLog();
        var t = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        AuditRecord Row(AuditDecision d, string id, int minute) => new(t.AddMinutes(minute), "telegram", "100", "alice", "chat-1", "close all", "{}", d, [], [], id, "paper");
        await audit.AppendAsync(Row(AuditDecision.Executing, "C1", 0), _ct);
        await audit.AppendAsync(Row(AuditDecision.Confirmed, "C1", 1), _ct);
        await audit.AppendAsync(Row(AuditDecision.Executing, "C2", 2), _ct);

        var channel = new CapturingChannel();
        var hub = new NotificationHub([channel], Options.Create(new NotificationOptions()), NullLogger<NotificationHub>.Instance);
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var reported = await new InterruptedExecutions(audit, store, hub).ReportAsync(_ct);
        Assert.Equal("C2", Assert.Single(reported).ConfirmationId);
        var sent = Assert.Single(channel.Sent);
        Assert.Contains("C2", sent.Text);
        Assert.Contains("never completed", sent.Text);

        // The next start (another process on the same store) does not repeat it.
        Assert.Empty(await new InterruptedExecutions(audit, store, hub).ReportAsync(_ct));
        Assert.Single(channel.Sent);
    }
}
