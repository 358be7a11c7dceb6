using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.InProcess;

/// <summary>Without Redis there is nowhere strategies read positions from; the fills store still has them.</summary>
public sealed class NullPositionPublisher : IPositionPublisher
{
    /// <inheritdoc />
    public Task PublishAsync(IReadOnlyList<BotPosition> positions, CancellationToken ct) => Task.CompletedTask;
}
