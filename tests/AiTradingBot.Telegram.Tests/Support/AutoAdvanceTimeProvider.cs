namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>
/// A clock that jumps forward by every one-shot delay it is asked for and fires it at once, recording the delays,
/// so retry and pacing waits are asserted without waiting.
/// </summary>
public sealed class AutoAdvanceTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    /// <summary>Every delay requested, in order.</summary>
    public List<TimeSpan> Delays { get; } = [];

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan) return new NoTimer();
        lock (_gate)
        {
            // Request timeouts are timers too: tests set them to an hour, and those never fire.
            if (dueTime < TimeSpan.FromMinutes(10)) { Delays.Add(dueTime); _now += dueTime; }
            else return new NoTimer();
        }
        ThreadPool.QueueUserWorkItem(_ => callback(state));
        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
