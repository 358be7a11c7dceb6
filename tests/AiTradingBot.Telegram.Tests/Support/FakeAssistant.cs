using System.Collections.Concurrent;
using AiTradingBot.Core.Assistant;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>An IAssistant that records what the channel passed and answers from delegates (unit tests only).</summary>
public sealed class FakeAssistant : IAssistant
{
    /// <summary>Messages received.</summary>
    public ConcurrentQueue<IncomingMessage> Messages { get; } = new();

    /// <summary>Confirmations received.</summary>
    public ConcurrentQueue<ConfirmationRequest> Confirmations { get; } = new();

    /// <summary>Cancellations received.</summary>
    public ConcurrentQueue<ConfirmationRequest> Cancellations { get; } = new();

    /// <summary>Answer to a message.</summary>
    public Func<IncomingMessage, AssistantReply> OnMessage { get; set; } = m => Reply(ReplyKind.Nothing, "nothing");

    /// <summary>Answer to a confirmation.</summary>
    public Func<ConfirmationRequest, AssistantReply> OnConfirm { get; set; } = r => Reply(ReplyKind.Done);

    /// <summary>Answer to a cancellation.</summary>
    public Func<ConfirmationRequest, AssistantReply> OnCancel { get; set; } = r => Reply(ReplyKind.Cancelled, "Cancelled. Nothing was done.");

    /// <inheritdoc />
    public Task<AssistantReply> HandleAsync(IncomingMessage message, CancellationToken ct)
    {
        Messages.Enqueue(message);
        return Task.FromResult(OnMessage(message));
    }

    /// <inheritdoc />
    public Task<AssistantReply> ConfirmAsync(ConfirmationRequest request, CancellationToken ct)
    {
        Confirmations.Enqueue(request);
        return Task.FromResult(OnConfirm(request));
    }

    /// <inheritdoc />
    public Task<AssistantReply> CancelAsync(ConfirmationRequest request, CancellationToken ct)
    {
        Cancellations.Enqueue(request);
        return Task.FromResult(OnCancel(request));
    }

    /// <summary>A reply of a kind with messages.</summary>
    public static AssistantReply Reply(ReplyKind kind, params string[] messages) => new(kind, null, null, null, messages, "PAPER");
}
