using System.Threading.Channels;

namespace AiTradingBot.Redis;

/// <summary>
/// Messages of one channel, buffered for one reader. Redis pub/sub is at-most-once: messages published while the
/// subscriber is reconnecting are not delivered, and when the reader falls more than the buffer behind the oldest
/// buffered messages are dropped (counted in <see cref="Dropped"/>).
/// </summary>
public sealed class RedisSubscription : IAsyncDisposable
{
    private readonly RedisSubscriber _owner;
    private readonly Channel<RedisMessage> _buffer;
    private long _dropped;

    internal RedisSubscription(RedisSubscriber owner, string channel, int capacity)
    {
        _owner = owner;
        Channel = channel;
        _buffer = System.Threading.Channels.Channel.CreateBounded<RedisMessage>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The channel name.</summary>
    public string Channel { get; }

    /// <summary>Messages dropped because the reader fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The buffered messages.</summary>
    public ChannelReader<RedisMessage> Reader => _buffer.Reader;

    /// <summary>Messages as they arrive, until the subscription is disposed or <paramref name="ct"/> fires.</summary>
    public IAsyncEnumerable<RedisMessage> ReadAllAsync(CancellationToken ct = default) => _buffer.Reader.ReadAllAsync(ct);

    internal void Deliver(RedisMessage message) => _buffer.Writer.TryWrite(message);

    internal void Complete() => _buffer.Writer.TryComplete();

    /// <summary>Stops receiving (the last subscription of a channel unsubscribes it on the server).</summary>
    public ValueTask DisposeAsync() => _owner.RemoveAsync(this);
}
