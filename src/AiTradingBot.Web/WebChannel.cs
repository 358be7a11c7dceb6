using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Validation;
using AiTradingBot.Web.Live;

namespace AiTradingBot.Web;

/// <summary>
/// The web channel's only door into the core: messages and confirmations go through <see cref="IAssistant"/>
/// (interpret → validate → risk → gate → execute → audit) exactly as Telegram and the console do. Reads for the
/// pages and GET routes run catalog read actions through the same executor, never a gated one.
/// </summary>
public sealed class WebChannel(IAssistant assistant, PlanExecutor executor, PlanValidator validator, CardBoard board, SecretRedactor redactor)
{
    /// <summary>The channel name in audit rows and confirmation bindings.</summary>
    public const string Channel = "web";

    /// <summary>A web user's "chat": their user id (for a Telegram user this is also their private chat with the bot).</summary>
    public static string ChatOf(Principal user) => user.UserId;

    /// <summary>Runs a message through the pipeline as <paramref name="user"/>; a waiting card goes on the board.</summary>
    public async Task<AssistantReply> SendAsync(Principal user, string text, CancellationToken ct)
    {
        var reply = await assistant.HandleAsync(new IncomingMessage(Channel, ChatOf(user), user, text), ct).ConfigureAwait(false);
        if (reply is { Kind: ReplyKind.AwaitingConfirmation, Card: { } card }) board.Add(user.KeyIn(Channel), card);
        return reply;
    }

    /// <summary>Confirms a card; only the user who asked (the gate checks it).</summary>
    public async Task<AssistantReply> ConfirmAsync(Principal user, string id, CancellationToken ct)
    {
        var reply = await assistant.ConfirmAsync(new ConfirmationRequest(Channel, ChatOf(user), user, id), ct).ConfigureAwait(false);
        if (reply.Kind is ReplyKind.Done or ReplyKind.AlreadyHandled or ReplyKind.Expired or ReplyKind.Refused && user.Role == UserRole.Admin) board.Remove(id.Trim().ToUpperInvariant());
        return reply;
    }

    /// <summary>Cancels a card.</summary>
    public async Task<AssistantReply> CancelAsync(Principal user, string id, CancellationToken ct)
    {
        var reply = await assistant.CancelAsync(new ConfirmationRequest(Channel, ChatOf(user), user, id), ct).ConfigureAwait(false);
        if (reply.Kind is ReplyKind.Cancelled or ReplyKind.AlreadyHandled or ReplyKind.Expired) board.Remove(id.Trim().ToUpperInvariant());
        return reply;
    }

    /// <summary>Runs one read action; validation errors throw <see cref="WebRequestException"/>, step failures too.</summary>
    public async Task<TResult> ReadAsync<TResult>(Principal user, ActionArgs args, CancellationToken ct) where TResult : StepResult
    {
        PlanStep step = args;
        if (step.Gated) throw new InvalidOperationException($"{step.Action} changes state; it must go through the gate.");
        if (user.Role == UserRole.None) throw new WebRequestException(StatusCodes.Status403Forbidden, ["ACCESS DENIED"]);
        var validation = validator.Validate([step], MarketSnapshot.Empty);
        if (!validation.IsValid) throw new WebRequestException(StatusCodes.Status400BadRequest, validation.Errors);
        var outcome = await executor.ExecuteAsync([step], new StepContext(user, Channel, ChatOf(user), "READ", 0), ct).ConfigureAwait(false);
        var s = outcome.Steps[0];
        if (s.Status != StepStatus.Succeeded || s.Result is not TResult result)
            throw new WebRequestException(StatusCodes.Status502BadGateway, [redactor.Redact(s.Error ?? $"{step.Action} failed.")]);
        return result;
    }

    /// <summary>Masks configured secrets in text shown to the browser or returned by the API.</summary>
    public string Redact(string text) => redactor.Redact(text);

    /// <summary>Reads the system list, used by the live feed.</summary>
    internal Task<SystemsReportResult> SystemsAsync(Principal user, CancellationToken ct) => ReadAsync<SystemsReportResult>(user, new SystemStatusArgs("all"), ct);
}

/// <summary>A request the web channel answers with an HTTP status and messages a person can act on.</summary>
public sealed class WebRequestException(int status, IReadOnlyList<string> messages) : Exception(string.Join(" ", messages))
{
    /// <summary>HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>What to tell the caller.</summary>
    public IReadOnlyList<string> Messages { get; } = messages;
}
