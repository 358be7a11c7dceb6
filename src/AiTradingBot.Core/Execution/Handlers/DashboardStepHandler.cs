using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>
/// <c>/web</c>: asks the web channel (<see cref="ILoginLinkIssuer"/>) for a link bound to the asking user. The link
/// is a credential: it goes only into the reply to that user, never into audit rows or logs.
/// </summary>
public sealed class DashboardStepHandler(IServiceProvider services, TimeProvider time) : IStepHandler
{
    /// <summary>How long a link asked for in a chat stays valid.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } = [typeof(DashboardLinkArgs)];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct)
    {
        // Optional port: the web channel exists only where run hosts it.
        var issuer = services.GetService<ILoginLinkIssuer>()
            ?? throw new StepFailedException("The web dashboard is not served by this process: it runs with `run`.");
        if (context.Channel != "telegram")
            throw new StepFailedException(context.Channel == "web"
                ? "You are signed in to the dashboard already; POST /api/v1/login-links gives a link for another device."
                : "Ask for your dashboard link on Telegram with /web; the local operator uses the link `run` prints.");
        if (context.User.Role == UserRole.None) throw new StepFailedException("ACCESS DENIED");
        var url = await issuer.IssueAsync(context.User, LinkLifetime, ct).ConfigureAwait(false);
        return new DashboardLinkResult(url, time.GetUtcNow() + LinkLifetime);
    }
}
