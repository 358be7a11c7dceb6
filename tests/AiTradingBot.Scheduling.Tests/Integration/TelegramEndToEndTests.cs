using AiTradingBot.Charts;
using AiTradingBot.Scheduling.Tests.Support;
using AiTradingBot.Telegram;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Integration;

/// <summary>
/// Reports end to end through telegram-test-api (ATB_TEST_TELEGRAM): the admin's words go through the Telegram channel
/// and the real core; reports come back through the notification hub and the Telegram channel. Telegram.Bot talks to
/// the emulator through the shared conformance shim (tests/Shared/TelegramEmulatorShim.cs).
/// </summary>
public sealed class TelegramEndToEndTests
{
    private const long Admin = 1001;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(SchedulingTestHost Host, TelegramEmulator User)> StartAsync()
    {
        var (host, user, _) = await StartAsync(charts: false);
        return (host, user);
    }

    private static async Task<(SchedulingTestHost Host, TelegramEmulator User, TelegramEmulatorShim.BotState Shim)> StartAsync(bool charts)
    {
        var url = AiTradingBot.Testing.Integration.Require("ATB_TEST_TELEGRAM", "The Telegram Bot API emulator (telegram-test-api)");
        var token = TelegramEmulator.NewToken();
        var settings = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = token,
            ["Telegram:AdminIds:0"] = Admin.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telegram:ApiBaseUrl"] = url,
            ["Telegram:PollTimeoutSeconds"] = "0",
            ["Telegram:PollIdleDelay"] = "00:00:00.100",
            ["Telegram:MaxMessagesPerSecondPerChat"] = "0",
            ["Systems:alpha:Container"] = "shortseller_trading",
            ["Systems:bravo:Container"] = "lxalgo_trading",
        };
        var host = await SchedulingTestHost.CreateAsync(settings, configure: (s, c) =>
        {
            s.AddAiTradingBotTelegram(c);
            s.AddHttpClient(TelegramApi.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new TelegramEmulatorShim());
            if (charts) s.AddAiTradingBotCharts();
        });
        return (host, new TelegramEmulator(url, token), TelegramEmulatorShim.For(url, token));
    }

    [Fact]
    public async Task The_daily_report_asked_for_arrives_with_the_weeks_equity_chart_as_a_photo()
    {
        var (host, user, shim) = await StartAsync(charts: true);
        await using var _ = host;
        using var __ = user;

        await user.SendTextAsync(Admin, "send me the daily report", Ct);

        var (report, _) = await user.WaitForAsync(Admin, m => m.Text.Contains("DAILY REPORT"), TimeSpan.FromSeconds(30), Ct);
        var photo = await WaitForPhotoAsync(shim, Admin, TimeSpan.FromSeconds(30));
        Assert.StartsWith("<b>DAILY REPORT", report.Text);
        Assert.True(photo.MessageId > report.MessageId, "the photo must follow the report's text");
        Assert.Equal("📈 Account equity · this week · PAPER: no trades in this period", photo.Caption);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], photo.Content.Take(4));
    }

    [Fact]
    public async Task A_scheduled_daily_report_arrives_with_a_photo_after_its_text()
    {
        var (host, user, shim) = await StartAsync(charts: true);
        await using var _ = host;
        using var __ = user;

        await user.SendTextAsync(Admin, "schedule the daily report every minute", Ct);
        var (confirmation, confirmed) = await user.WaitForAsync(Admin, m => m.Text.Contains("scheduled"), TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("* * * * *", confirmation.Text);

        var wait = Minute(confirmed).AddMinutes(1) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(40);
        var (report, _) = await user.WaitForAsync(Admin, m => m.Text.Contains("DAILY REPORT"), wait, Ct);
        var photo = await WaitForPhotoAsync(shim, Admin, TimeSpan.FromSeconds(30));
        Assert.True(photo.MessageId > report.MessageId, "the photo must follow the report's text");
        Assert.StartsWith("📈 Account equity · this week · PAPER", photo.Caption, StringComparison.Ordinal);
        Assert.True(photo.Content.Length > 5_000, $"a {photo.Content.Length}-byte picture is too small to be a chart");
    }

    private static async Task<TelegramEmulatorShim.Upload> WaitForPhotoAsync(TelegramEmulatorShim.BotState shim, long chat, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < until)
        {
            if (shim.Uploads.FirstOrDefault(u => u.Method == "sendPhoto" && u.ChatId == chat) is { } photo) return photo;
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException($"no photo reached chat {chat} within {timeout}");
    }

    private static DateTimeOffset Minute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task Send_me_the_daily_report_arrives_as_Telegram_HTML()
    {
        var (host, user) = await StartAsync();
        await using var _ = host;
        using var __ = user;

        await user.SendTextAsync(Admin, "send me the daily report", Ct);

        var (report, _) = await user.WaitForAsync(Admin, m => m.Text.Contains("DAILY REPORT"), TimeSpan.FromSeconds(30), Ct);
        Assert.StartsWith("<b>DAILY REPORT", report.Text);
        Assert.Contains("No trades in this period.", report.Text);
        Assert.Contains("alpha", report.Text);
        TelegramHtml.AssertValid(report.Text);
    }

    [Fact]
    public async Task Schedule_a_sitrep_every_minute_arrives_on_the_minute()
    {
        var (host, user) = await StartAsync();
        await using var _ = host;
        using var __ = user;

        var sent = DateTimeOffset.UtcNow;
        await user.SendTextAsync(Admin, "schedule a sitrep every minute", Ct);
        var (confirmation, confirmed) = await user.WaitForAsync(Admin, m => m.Text.Contains("scheduled"), TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("* * * * *", confirmation.Text);

        var (report, seen) = await user.WaitForAsync(Admin, m => m.Text.Contains("SITREP REPORT"), Minute(confirmed).AddMinutes(1) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20), Ct);

        // On time: seconds after the first minute that began once the schedule existed (polling adds up to 0.2 s).
        var due = Minute(seen);
        Assert.InRange(due, Minute(sent).AddMinutes(1), Minute(confirmed).AddMinutes(1));
        Assert.InRange(seen - due, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("late", report.Text);
        Assert.Contains("alpha", report.Text);
        TelegramHtml.AssertValid(report.Text);
    }

    [Fact]
    public async Task What_reports_are_scheduled_lists_the_schedule_with_its_cron_and_next_occurrence()
    {
        var (host, user) = await StartAsync();
        await using var _ = host;
        using var __ = user;
        await user.SendTextAsync(Admin, "send me a daily report every day at 8am", Ct);
        await user.WaitForAsync(Admin, m => m.Text.Contains("scheduled"), TimeSpan.FromSeconds(30), Ct);

        await user.SendTextAsync(Admin, "what reports are scheduled", Ct);

        var (list, _) = await user.WaitForAsync(Admin, m => m.Text.Contains("Scheduled reports"), TimeSpan.FromSeconds(30), Ct);
        var next = Core.Reports.CronSchedule.Parse("0 8 * * *").NextAfter(DateTimeOffset.UtcNow, TimeZoneInfo.Utc)!.Value;
        Assert.Contains("\"0 8 * * *\" (UTC)", System.Net.WebUtility.HtmlDecode(list.Text));
        Assert.Contains($"next {next.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", list.Text);
        TelegramHtml.AssertValid(list.Text);
    }
}
