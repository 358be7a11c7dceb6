using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web.Security;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> for scripts. Tokens are configured by SHA-256 only
/// (<c>Web:ApiTokens:&lt;name&gt;:Sha256</c>) and compared in constant time.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<WebOptions> web)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Bearer";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return Task.FromResult(AuthenticateResult.NoResult());
        var token = header["Bearer ".Length..].Trim();
        if (token.Length == 0) return Task.FromResult(AuthenticateResult.Fail("empty bearer token"));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        foreach (var (name, t) in web.CurrentValue.ApiTokens)
        {
            byte[] configured;
            try { configured = Convert.FromHexString(t.Sha256); }
            catch (FormatException) { continue; }
            if (CryptographicOperations.FixedTimeEquals(configured, hash))
            {
                var identity = new WebIdentity(t.UserId, t.UserId, WebIdentity.TokenSourcePrefix + name);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(identity.ToClaimsPrincipal(SchemeName), SchemeName)));
            }
        }
        return Task.FromResult(AuthenticateResult.Fail("unknown API token"));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
