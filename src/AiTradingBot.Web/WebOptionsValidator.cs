using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web;

/// <summary>Checks <c>Web:</c> at start with messages naming the key to fix.</summary>
internal sealed partial class WebOptionsValidator : IValidateOptions<WebOptions>
{
    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Hex64();

    public ValidateOptionsResult Validate(string? name, WebOptions o)
    {
        var errors = new List<string>();
        if (o.SessionLifetime <= TimeSpan.Zero || o.SessionLifetime > TimeSpan.FromDays(30))
            errors.Add("Web:SessionLifetime must be between 00:00:01 and 30.00:00:00 (default 12:00:00).");
        if (o.OperatorLinkLifetime <= TimeSpan.Zero || o.OperatorLinkLifetime > TimeSpan.FromHours(1))
            errors.Add("Web:OperatorLinkLifetime must be positive and at most an hour.");
        if (o.UserLinkLifetime <= TimeSpan.Zero || o.UserLinkLifetime > TimeSpan.FromHours(1))
            errors.Add("Web:UserLinkLifetime must be positive and at most an hour.");
        if (o.LiveInterval < TimeSpan.FromMilliseconds(200))
            errors.Add("Web:LiveInterval must be at least 00:00:00.2.");
        if (o.MaxFailedSignIns < 1) errors.Add("Web:MaxFailedSignIns must be at least 1.");
        if (o.PublicUrl is { Length: > 0 } u && !(Uri.TryCreate(u, UriKind.Absolute, out var pu) && pu.Scheme is "http" or "https"))
            errors.Add($"Web:PublicUrl must be an absolute http(s) URL (got '{u}').");
        foreach (var origin in o.TrustedOrigins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var ou) || ou.Scheme is not ("http" or "https"))
                errors.Add($"Web:TrustedOrigins entries must be absolute http(s) origins (got '{origin}').");
        foreach (var (tokenName, t) in o.ApiTokens)
        {
            if (!Hex64().IsMatch(t.Sha256 ?? ""))
                errors.Add($"Web:ApiTokens:{tokenName}:Sha256 must be the 64 hex digits of the token's SHA-256 (e.g. printf %s \"$TOKEN\" | sha256sum).");
            if (!string.Equals(t.Role, "Admin", StringComparison.OrdinalIgnoreCase) && !string.Equals(t.Role, "Viewer", StringComparison.OrdinalIgnoreCase))
                errors.Add($"Web:ApiTokens:{tokenName}:Role must be Admin or Viewer (got '{t.Role}').");
            if (string.IsNullOrWhiteSpace(t.UserId))
                errors.Add($"Web:ApiTokens:{tokenName}:UserId must name the user the token acts as.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
