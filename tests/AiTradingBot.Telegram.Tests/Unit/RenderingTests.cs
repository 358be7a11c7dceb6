using System.Text;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class RenderingTests
{
    private static TelegramReplyRenderer Renderer(int threshold = 60) =>
        new(Options.Create(new TelegramOptions { LogDocumentThresholdLines = threshold }), TimeProvider.System);

    [Fact]
    public void Samples_cover_every_step_result_type()
    {
        var all = typeof(StepResult).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(StepResult)) && !t.IsAbstract).ToHashSet();
        var sampled = Samples.AllResults().Select(r => r.GetType()).ToHashSet();
        Assert.Empty(all.Except(sampled).Select(t => t.Name));
    }

    public static TheoryData<string> ResultTypes() => [.. Samples.AllResults().Select(r => r.GetType().Name)];

    [Theory]
    [MemberData(nameof(ResultTypes))]
    public void Every_result_type_renders_to_valid_telegram_html_with_dynamic_text_escaped(string type)
    {
        var result = Samples.AllResults().Single(r => r.GetType().Name == type);

        var reply = Renderer().Render(Samples.Done(result));

        // A reply that is only a chart is its photo (with the caption), no text.
        if (result is ChartResult) Assert.Single(reply.Photos);
        else Assert.NotEmpty(reply.Parts);
        Assert.All(reply.Parts, TelegramHtmlAssert.Valid);
        Assert.All(reply.Parts, p => Assert.DoesNotContain("<script>", p));
        Assert.All(reply.Parts, p => Assert.True(p.Length < 4096));
    }

    [Fact]
    public void A_chart_is_a_photo_with_its_caption_and_text_only_when_other_steps_need_it()
    {
        var chart = new ChartResult(Core.Plans.ChartKind.Equity, Core.Plans.PnlPeriod.Week, null, "📈 Account equity · this week · PAPER: 1.00 → 2.00 USDT (+1.00), 2 fill(s)", 1000, 500,
            new Core.Trading.ExchangeMode(false, "paper", "paper"), [1, 2, 3]);
        var report = new ReportResult(Core.Plans.ReportKind.Daily, "<b>DAILY REPORT</b>", "DAILY REPORT") { Chart = chart };

        var alone = Renderer().Render(Samples.Done(chart));
        var withReport = Renderer().Render(Samples.Done(report));

        Assert.Empty(alone.Parts);
        Assert.Equal(chart.Caption, Assert.Single(alone.Photos).Caption);
        Assert.Equal([1, 2, 3], alone.Photos[0].Png);
        Assert.Contains("DAILY REPORT", Assert.Single(withReport.Parts));
        Assert.Equal(chart.Caption, Assert.Single(withReport.Photos).Caption);
    }

    [Fact]
    public void Log_lines_with_angle_brackets_and_ampersands_are_escaped()
    {
        var logs = new LogsResult("alpha", "c", [new LogLine(LogStream.Stdout, "if a < b && c > d then <tag>")], 50, null, null, false);

        var html = Renderer().Render(Samples.Done(logs)).Parts.Single();

        Assert.Contains("if a &lt; b &amp;&amp; c &gt; d then &lt;tag&gt;", html);
        TelegramHtmlAssert.Valid(html);
    }

    [Fact]
    public void A_confirmation_card_has_mode_notional_warnings_steps_and_two_short_buttons()
    {
        var reply = Renderer().Render(Samples.Awaiting("AB12CD34"));

        var html = string.Join("\n", reply.Parts);
        TelegramHtmlAssert.Valid(html);
        Assert.Contains("PAPER", html);
        Assert.Contains("TERMINATE (stop) alpha &amp; &lt;friends&gt;", html);
        Assert.Contains("1,234.50", html);
        Assert.Contains("Warning: &lt;b&gt;x&lt;/b&gt;", html);
        var buttons = reply.Keyboard!.InlineKeyboard.SelectMany(r => r).ToList();
        Assert.Equal(["✅ Confirm", "✖ Cancel"], buttons.Select(b => b.Text));
        Assert.Equal(["c:AB12CD34", "x:AB12CD34"], buttons.Select(b => b.CallbackData));
    }

    [Fact]
    public void Access_denied_reveals_nothing_but_the_denial()
    {
        var reply = Renderer().Render(FakeAssistant.Reply(ReplyKind.AccessDenied, "ACCESS DENIED"));

        Assert.Equal("<b>ACCESS DENIED</b>", reply.Parts.Single());
        Assert.Null(reply.Keyboard);
    }

    [Fact]
    public void The_main_menu_has_the_five_buttons_only_when_asked_for()
    {
        var help = Samples.Done(new HelpResult(AiTradingBot.Core.Catalog.ActionCatalog.All));

        var menu = Renderer().Render(help, withMainMenu: true).Keyboard!;
        var plain = Renderer().Render(help).Keyboard;

        Assert.Null(plain);
        Assert.Equal(["📡 SITREP", "🚀 DEPLOY ALL", "🛑 KILLSWITCH", "💰 BALANCE", "📈 PNL"], menu.InlineKeyboard.SelectMany(r => r).Select(b => b.Text));
        Assert.All(menu.InlineKeyboard.SelectMany(r => r), b => Assert.StartsWith("m:", b.CallbackData));
    }

    [Fact]
    public void Logs_longer_than_the_threshold_go_as_a_plain_text_document_with_a_short_preview()
    {
        var lines = Enumerable.Range(0, 300).Select(i => new LogLine(LogStream.Stdout, $"line {i} <x> & y")).ToList();
        var logs = new LogsResult("alpha", "shortseller_trading", lines, 300, null, null, false);

        var reply = Renderer(threshold: 100).Render(Samples.Done(logs));

        var document = Assert.Single(reply.Documents);
        var text = Encoding.UTF8.GetString(document.Content);
        Assert.Contains("line 0 <x> & y", text);
        Assert.Contains("line 299 <x> & y", text);
        Assert.StartsWith("alpha-logs-", document.FileName);
        var message = string.Join("\n", reply.Parts);
        Assert.Contains("line 299 &lt;x&gt; &amp; y", message);
        Assert.DoesNotContain("line 0 ", message);
        Assert.Single(reply.Parts);
    }

    [Fact]
    public void Logs_at_the_threshold_stay_in_the_message()
    {
        var lines = Enumerable.Range(0, 100).Select(i => new LogLine(LogStream.Stdout, $"line {i}")).ToList();

        var reply = Renderer(threshold: 100).Render(Samples.Done(new LogsResult("alpha", "c", lines, 100, null, null, false)));

        Assert.Empty(reply.Documents);
        Assert.Contains("line 0", reply.Parts[0]);
    }

    [Theory]
    [InlineData(ReplyKind.Done, "Confirmed")]
    [InlineData(ReplyKind.Cancelled, "Cancelled")]
    [InlineData(ReplyKind.Expired, "Expired")]
    public void A_pressed_card_becomes_its_result_without_buttons(ReplyKind kind, string expected)
    {
        var reply = kind == ReplyKind.Done ? Samples.Done(new ResumeResult(true)) : FakeAssistant.Reply(kind, "x");

        var edited = Renderer().RenderPressResult(reply, new Principal("1001", "ann<&>", UserRole.Admin));

        Assert.Contains(expected, edited.Parts[0]);
        Assert.Null(edited.Keyboard);
        Assert.All(edited.Parts, TelegramHtmlAssert.Valid);
        if (kind == ReplyKind.Expired) Assert.Contains("Send the command again", edited.Parts[0]);
    }
}
