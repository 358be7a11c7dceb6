using AiTradingBot.Core.Assistant;

namespace AiTradingBot.Core.Ports;

/// <summary>
/// Issues single-use sign-in links to the web dashboard, bound to one user (implemented by the web channel).
/// The token inside the link is a credential: it must never reach the audit log or the logs.
/// </summary>
public interface ILoginLinkIssuer
{
    /// <summary>A fresh single-use link for <paramref name="user"/>, valid for <paramref name="lifetime"/>.</summary>
    Task<Uri> IssueAsync(Principal user, TimeSpan lifetime, CancellationToken ct);
}
