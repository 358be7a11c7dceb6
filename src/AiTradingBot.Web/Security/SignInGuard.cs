using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web.Security;

/// <summary>
/// Counts failed sign-ins per client address in the shared store (so several instances count together), refuses
/// more than <c>Web:MaxFailedSignIns</c> within the window, and audits every failure. The token is never recorded.
/// </summary>
public sealed class SignInGuard(IKeyValueStore store, IAuditLog audit, TimeProvider time, IOptions<WebOptions> options, IExchange exchange, ILogger<SignInGuard> logger)
{
    private static string Key(string client) => $"web:signin-failures:{client}";

    /// <summary>True when this client has failed too often recently.</summary>
    public async Task<bool> IsBlockedAsync(string client, CancellationToken ct) =>
        long.TryParse(await store.GetAsync(Key(client), ct).ConfigureAwait(false), out var n) && n >= options.Value.MaxFailedSignIns;

    /// <summary>Records and audits a failed sign-in.</summary>
    public async Task FailedAsync(string client, string reason, CancellationToken ct)
    {
        var count = await store.IncrementAsync(Key(client), options.Value.SignInFailureWindow, ct).ConfigureAwait(false);
        logger.LogWarning("Failed dashboard sign-in from {Client} ({Reason}); {Count} in the window", client, reason, count);
        await AuditAsync(client, "anonymous", null, AuditDecision.Refused, $"(dashboard sign-in from {client})", [reason], ct).ConfigureAwait(false);
    }

    /// <summary>Audits a successful sign-in.</summary>
    public Task SucceededAsync(string client, WebIdentity identity, CancellationToken ct) =>
        AuditAsync(client, identity.UserId, identity.UserName, AuditDecision.Executed, $"(dashboard sign-in from {client})", [$"signed in ({identity.Source})"], ct);

    private async Task AuditAsync(string client, string userId, string? userName, AuditDecision decision, string text, IReadOnlyList<string> reasons, CancellationToken ct)
    {
        try
        {
            await audit.AppendAsync(new AuditRecord(time.GetUtcNow(), "web", userId, userName, client, text, null, decision, reasons, [], null, exchange.Mode.Label), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Audit record of a sign-in could not be written");
        }
    }
}
