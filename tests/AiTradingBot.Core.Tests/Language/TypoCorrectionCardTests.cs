using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Tests.Support;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>A corrected typo is shown on the confirmation card, before anything is confirmed; an uncorrectable one asks.</summary>
public sealed class TypoCorrectionCardTests : IAsyncLifetime
{
    private CoreTestHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = new CoreTestHost(new Dictionary<string, string?>());
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task The_card_says_how_a_typo_was_read()
    {
        var reply = await _host.SayAsync("restrat alpha");
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        var text = new ReplyRenderer(PlainMarkup.Instance).Render(reply);
        Assert.Contains("Read 'restrat' as 'restart'.", text);
        Assert.True(text.IndexOf("Read 'restrat'", StringComparison.Ordinal) < text.IndexOf("CONFIRM", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_audit_row_keeps_how_a_typo_was_read()
    {
        var reply = await _host.SayAsync("restrat alpha");
        var rows = await _host.Get<IAuditLog>().ReadRecentAsync(10, TestContext.Current.CancellationToken);
        var row = Assert.Single(rows, r => r.Text == "restrat alpha");
        Assert.Equal(AuditDecision.Awaiting, row.Decision);
        Assert.Contains(row.Reasons, r => r.StartsWith("assumed: ", StringComparison.Ordinal) && r.Contains("'restrat'", StringComparison.Ordinal));
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
    }

    [Fact]
    public async Task A_short_typo_is_not_guessed_but_asked_about()
    {
        var reply = await _host.SayAsync("stpo alpha");
        Assert.Equal(ReplyKind.Clarify, reply.Kind);
        Assert.Null(reply.Card);
        Assert.Contains("stop alpha", reply.Plan!.Clarify);
    }

    [Fact]
    public async Task A_reply_without_corrections_has_no_note()
    {
        var reply = await _host.SayAsync("restart alpha");
        Assert.DoesNotContain("Read '", new ReplyRenderer(PlainMarkup.Instance).Render(reply));
    }
}
