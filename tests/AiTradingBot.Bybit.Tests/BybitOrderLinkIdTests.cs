using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>Executions are attributed to the bot named in the orderLinkId; anything else is "external".</summary>
public sealed class BybitOrderLinkIdTests
{
    [Fact]
    public void The_core_s_client_order_ids_name_their_bot() =>
        Assert.Equal("alpha", BybitOrderLinkIds.BotIdOf(ClientOrderIds.Create("alpha", "order", "K7Q2MXPA", 0)));

    [Theory]
    [InlineData("shortseller-tp-1700000000", "shortseller")] // a strategy bot's own id in the seed's shape
    [InlineData("grid-rebal-1700000000", "grid")]
    [InlineData(null, "external")]
    [InlineData("", "external")]
    [InlineData("web123456", "external")]
    [InlineData("Manual-order-1", "external")]
    public void Ids_in_the_bot_reason_ref_shape_name_their_bot_and_others_are_external(string? id, string bot) => Assert.Equal(bot, BybitOrderLinkIds.BotIdOf(id));
}
