namespace AiTradingBot.Bybit;

/// <summary>Bybit server time as seen from here: the local clock plus an offset measured from <c>/v5/market/time</c>.</summary>
public sealed class BybitServerClock(TimeProvider time)
{
    private long _offsetMs;
    private volatile bool _synced;

    /// <summary>Whether the offset has been measured.</summary>
    public bool Synced => _synced;

    /// <summary>Server minus local milliseconds.</summary>
    public long OffsetMs => Interlocked.Read(ref _offsetMs);

    /// <summary>Local Unix milliseconds.</summary>
    public long LocalMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Estimated server Unix milliseconds.</summary>
    public long NowMs => LocalMs + OffsetMs;

    /// <summary>Records a measurement: the server time and the local send/receive times around it.</summary>
    public void Update(long serverMs, long sentLocalMs, long receivedLocalMs)
    {
        Interlocked.Exchange(ref _offsetMs, serverMs - (sentLocalMs + receivedLocalMs) / 2);
        _synced = true;
    }
}
