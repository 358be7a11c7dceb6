using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Ports;

/// <summary>
/// Publishes the fills path's per-bot positions where strategies read them: Redis keys
/// <c>position:{bot_id}:{symbol}</c> = JSON <c>{qty, avg_price, unrealized_pnl}</c> (the seed's contract).
/// </summary>
public interface IPositionPublisher
{
    /// <summary>Writes the given positions (a zero quantity removes the key).</summary>
    Task PublishAsync(IReadOnlyList<BotPosition> positions, CancellationToken ct);
}
