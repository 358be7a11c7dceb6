using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class SendPacerTests
{
    private readonly AutoAdvanceTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero));

    private SendPacer Pacer(double perChat = 1, int overall = 30) =>
        new(Options.Create(new TelegramOptions { MaxMessagesPerSecondPerChat = perChat, MaxMessagesPerSecond = overall }), _time);

    [Fact]
    public void Messages_to_one_chat_are_a_second_apart()
    {
        var pacer = Pacer();

        var waits = Enumerable.Range(0, 3).Select(_ => pacer.Reserve(1)).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], waits);
    }

    [Fact]
    public void Different_chats_do_not_wait_for_each_other_below_the_overall_limit()
    {
        var pacer = Pacer();

        Assert.All(Enumerable.Range(0, 20).Select(chat => pacer.Reserve(chat)), w => Assert.Equal(TimeSpan.Zero, w));
    }

    [Fact]
    public void At_most_30_messages_go_out_in_one_second_overall()
    {
        var pacer = Pacer();

        var waits = Enumerable.Range(0, 65).Select(chat => pacer.Reserve(chat)).ToList();

        Assert.Equal(30, waits.Count(w => w == TimeSpan.Zero));
        Assert.Equal(30, waits.Count(w => w == TimeSpan.FromMilliseconds(500)));
        Assert.Equal(5, waits.Count(w => w == TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public void Zero_disables_pacing()
    {
        var pacer = Pacer(0, 0);
        Assert.All(Enumerable.Range(0, 100).Select(_ => pacer.Reserve(1)), w => Assert.Equal(TimeSpan.Zero, w));
    }
}
