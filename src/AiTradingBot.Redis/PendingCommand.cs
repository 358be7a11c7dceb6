using AiTradingBot.Redis.Resp;

namespace AiTradingBot.Redis;

/// <summary>
/// One command between its caller and its reply. The caller may stop waiting (cancellation, timeout), but the entry
/// stays in the reply queue until its reply is read, so the replies behind it still reach the right callers.
/// </summary>
internal sealed class PendingCommand : TaskCompletionSource<RespValue>
{
    private static readonly Action<object?, CancellationToken> OnCancel =
        static (state, token) => ((PendingCommand)state!).TrySetCanceled(token);

    private CancellationTokenRegistration _registration;

    // Continuations run inline where the command completes: the reader hands replies over in a ReplyBatch on the
    // thread pool, so callers' code never runs on the socket reader.
    public PendingCommand(string[] args, long startedAt) : base(TaskCreationOptions.None)
    {
        Args = args;
        StartedAt = startedAt;
    }

    /// <summary>Command name followed by its arguments.</summary>
    public string[] Args { get; }

    /// <summary>The command name, for messages (arguments are never shown: they may hold values or passwords).</summary>
    public string Name => Args[0];

    /// <summary>Timestamp (TimeProvider ticks) when the caller issued it, for the command timeout.</summary>
    public long StartedAt { get; }

    /// <summary>Abandons the wait when the caller's token fires.</summary>
    public void Watch(CancellationToken ct)
    {
        if (ct.CanBeCanceled) _registration = ct.UnsafeRegister(OnCancel, this);
    }

    /// <summary>Delivers the reply (an error reply becomes <see cref="RedisServerException"/>); ignored if the caller left.</summary>
    public void Complete(in RespValue reply)
    {
        if (Task.IsCompleted) return;
        if (reply.IsError) TrySetException(new RedisServerException(Name, reply.AsString() ?? ""));
        else TrySetResult(reply);
        _registration.Dispose();
    }

    /// <summary>Fails the command unless it already completed.</summary>
    public void Fail(Exception error)
    {
        if (TrySetException(error)) _registration.Dispose();
    }
}
