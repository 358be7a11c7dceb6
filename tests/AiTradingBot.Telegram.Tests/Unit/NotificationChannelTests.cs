using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Tests.Support;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class NotificationChannelTests : IDisposable
{
    private readonly ChannelHarness _h = new(new Dictionary<string, string?>
    {
        ["Telegram:AdminIds:1"] = "1002",
        ["Telegram:Notifications:Fill"] = "Silent",
        ["Telegram:Notifications:Report"] = "Off",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void It_is_registered_as_a_core_notification_channel()
    {
        Assert.Contains(_h.Get<IEnumerable<INotificationChannel>>(), c => c is TelegramNotificationChannel { Name: "telegram" });
    }

    [Fact]
    public async Task A_notification_goes_to_every_admin()
    {
        await _h.Get<TelegramNotificationChannel>().DeliverAsync(new Notification(NotificationKind.ContainerDied, "alpha died", "🔴 <b>alpha</b> died"), Ct);

        var sends = _h.Api.CallsOf("sendMessage");
        Assert.Equal([1001L, 1002L], sends.Select(s => s!["chat_id"]!.GetValue<long>()));
        Assert.All(sends, s => Assert.Null(s!["disable_notification"]));
    }

    [Fact]
    public async Task A_notification_for_one_chat_goes_only_there()
    {
        await _h.Get<TelegramNotificationChannel>().DeliverAsync(new Notification(NotificationKind.System, "x", "x", ChatId: "-100777"), Ct);

        Assert.Equal(-100777, Assert.Single(_h.Api.CallsOf("sendMessage"))!["chat_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Silent_kinds_and_silent_notifications_are_sent_without_sound()
    {
        var channel = _h.Get<TelegramNotificationChannel>();

        await channel.DeliverAsync(new Notification(NotificationKind.Fill, "fill", "fill"), Ct);
        await channel.DeliverAsync(new Notification(NotificationKind.RiskDenial, "d", "d") { Silent = true }, Ct);

        Assert.All(_h.Api.CallsOf("sendMessage"), s => Assert.True(s!["disable_notification"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Kinds_turned_off_are_not_sent()
    {
        var channel = _h.Get<TelegramNotificationChannel>();

        await channel.SendAsync(new Notification(NotificationKind.Report, "r", "r"), Ct);
        await channel.DeliverAsync(new Notification(NotificationKind.Report, "r", "r"), Ct);

        Assert.Empty(_h.Api.CallsOf("sendMessage"));
    }

    [Fact]
    public async Task One_admin_who_blocked_the_bot_does_not_stop_the_others()
    {
        _h.Api.EnqueueError("sendMessage", 403, "Forbidden: bot was blocked by the user");

        await _h.Get<TelegramNotificationChannel>().DeliverAsync(new Notification(NotificationKind.LossLimitTripped, "x", "x"), Ct);

        Assert.Equal(2, _h.Api.CallsOf("sendMessage").Count);
    }

    [Fact]
    public async Task Sending_only_queues_so_a_dead_telegram_never_blocks_the_caller()
    {
        for (var i = 0; i < 10; i++) _h.Api.Enqueue("sendMessage", () => throw new HttpRequestException("down"));
        var channel = _h.Get<TelegramNotificationChannel>();

        var send = channel.SendAsync(new Notification(NotificationKind.Fill, "x", "x"), Ct);

        Assert.True(send.IsCompletedSuccessfully);
        Assert.Empty(_h.Api.Calls);
        await Task.CompletedTask;
    }

    public void Dispose() => _h.Dispose();
}
