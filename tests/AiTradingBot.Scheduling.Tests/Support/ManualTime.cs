namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>A clock the test sets (reports computed "now" at a chosen instant).</summary>
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    /// <summary>The current instant.</summary>
    public DateTimeOffset Now { get; set; } = now;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Now;
}
