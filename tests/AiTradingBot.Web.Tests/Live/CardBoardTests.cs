using AiTradingBot.Core.Gate;
using AiTradingBot.Web.Live;
using Xunit;

namespace AiTradingBot.Web.Tests.Live;

/// <summary>The board holds every channel's cards per person; expired ones go even when nobody opens a page.</summary>
public sealed class CardBoardTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static ConfirmationCard Card(string id, DateTimeOffset expires) => new(id, [], [], "PAPER", null, [], expires);

    [Fact]
    public void A_card_from_another_channel_joins_its_persons_board_and_expired_cards_leave_on_the_next_add()
    {
        var clock = new Clock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var events = new ConfirmationEvents();
        using var board = new CardBoard(events, clock);

        events.PublishCreated(new ConfirmationCreated(Card("A1", clock.Now.AddMinutes(2)), "telegram", "-4001", "telegram:111", clock.Now));
        Assert.Equal(["A1"], board.For("telegram:111").Select(c => c.Id));
        Assert.Empty(board.For("telegram:222"));

        // Nobody reads the board for a while: the next card still sweeps the expired one out.
        clock.Now = clock.Now.AddMinutes(3);
        events.PublishCreated(new ConfirmationCreated(Card("B2", clock.Now.AddMinutes(2)), "telegram", "111", "telegram:333", clock.Now));
        Assert.False(board.Contains("A1"));
        Assert.True(board.Contains("B2"));
    }
}
