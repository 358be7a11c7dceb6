using AiTradingBot.Core.Assistant;
using AiTradingBot.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace AiTradingBot.Web.Live;

/// <summary>
/// One browser circuit's side of the command box: who is signed in (role looked up again on every call) and the
/// last answer to show. Pages' buttons send the same text a user could type, so they get the same card.
/// </summary>
public sealed class CommandSession(AuthenticationStateProvider auth, WebUsers users, WebChannel channel, WebText text)
{
    /// <summary>The last answer as plain text (rendered from the typed reply, secrets masked), or null.</summary>
    public string? LastAnswer { get; private set; }

    /// <summary>The last answer's decision word.</summary>
    public string? LastDecision { get; private set; }

    /// <summary>Something to re-render.</summary>
    public event Action? Changed;

    /// <summary>The current user with the current role.</summary>
    public async Task<Principal> UserAsync()
    {
        var state = await auth.GetAuthenticationStateAsync().ConfigureAwait(false);
        return users.Resolve(state.User) ?? new Principal("anonymous", null, UserRole.None);
    }

    /// <summary>Sends text through the pipeline.</summary>
    public async Task SendAsync(string text, CancellationToken ct = default)
    {
        var user = await UserAsync().ConfigureAwait(false);
        var reply = await channel.SendAsync(user, text, ct).ConfigureAwait(false);
        Show(reply);
    }

    /// <summary>Confirms a card as the current user.</summary>
    public async Task ConfirmAsync(string id, CancellationToken ct = default) =>
        Show(await channel.ConfirmAsync(await UserAsync().ConfigureAwait(false), id, ct).ConfigureAwait(false));

    /// <summary>Cancels a card as the current user.</summary>
    public async Task CancelAsync(string id, CancellationToken ct = default) =>
        Show(await channel.CancelAsync(await UserAsync().ConfigureAwait(false), id, ct).ConfigureAwait(false));

    private void Show(AssistantReply reply)
    {
        LastDecision = Api.ApiMapping.Decision(reply.Kind);
        LastAnswer = reply.Kind == ReplyKind.AwaitingConfirmation
            ? "Waiting for your confirmation (card below)." + (reply.Outcome is { } o ? "\n" + text.Outcome(o) : "")
            : text.Reply(reply);
        Changed?.Invoke();
    }
}
