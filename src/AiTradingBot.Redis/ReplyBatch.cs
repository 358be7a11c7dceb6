using AiTradingBot.Redis.Resp;

namespace AiTradingBot.Redis;

/// <summary>
/// Replies (or failures) parsed from one socket read, completed together on one thread-pool item: callers'
/// continuations never run on the socket reader (which must keep reading), yet a read full of pipelined replies
/// costs one work item rather than one per reply.
/// </summary>
internal sealed class ReplyBatch : IThreadPoolWorkItem
{
    private readonly List<(PendingCommand Command, RespValue Reply, Exception? Error)> _items = new(16);

    public int Count => _items.Count;

    public void Add(PendingCommand command, in RespValue reply) => _items.Add((command, reply, null));

    public void Add(PendingCommand command, Exception error) => _items.Add((command, default, error));

    /// <summary>Hands the batch to the thread pool (no-op when empty).</summary>
    public void Dispatch()
    {
        if (_items.Count > 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <inheritdoc />
    public void Execute()
    {
        foreach (var (command, reply, error) in _items)
        {
            if (error is not null) command.Fail(error);
            else command.Complete(reply);
        }
    }
}
