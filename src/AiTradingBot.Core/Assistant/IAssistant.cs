namespace AiTradingBot.Core.Assistant;

/// <summary>
/// The one core every channel calls (Freqtrade's RPC): interpret → validate → risk → gate → execute → audit.
/// Channels parse their transport and render the typed reply; nothing else.
/// </summary>
public interface IAssistant
{
    /// <summary>Handles a message: a plan runs, waits for confirmation, or is refused; always audited.</summary>
    Task<AssistantReply> HandleAsync(IncomingMessage message, CancellationToken ct);

    /// <summary>Confirms a pending plan (same user, same chat, unexpired, once) and executes it.</summary>
    Task<AssistantReply> ConfirmAsync(ConfirmationRequest request, CancellationToken ct);

    /// <summary>Cancels a pending plan.</summary>
    Task<AssistantReply> CancelAsync(ConfirmationRequest request, CancellationToken ct);
}
