using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web.Security;

/// <summary>
/// Single-use sign-in links. The token (256 random bits, URL-safe) exists only in the link: the store holds its
/// SHA-256 under a key that expires with the link, and redeeming is an atomic get-and-delete, so a token works
/// once even with several instances sharing the store.
/// </summary>
public sealed class LoginLinks(IKeyValueStore store, TimeProvider time, IOptions<WebOptions> options, IConfiguration configuration, IServiceProvider services) : ILoginLinkIssuer
{
    private const string KeyPrefix = "web:login:";

    private sealed record Entry(string UserId, string? UserName, string Source, DateTimeOffset ExpiresAt);

    /// <summary>The base URL of links: <c>Web:PublicUrl</c>, else the first of <c>Http:Urls</c> (0.0.0.0/[::] shown as 127.0.0.1).</summary>
    public Uri BaseUrl
    {
        get
        {
            if (options.Value.PublicUrl is { Length: > 0 } p) return new Uri(p.TrimEnd('/') + "/");
            // Once Kestrel listens, its real addresses (port 0 resolved); before that, the configuration.
            var bound = services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            var first = bound ?? (configuration["Http:Urls"] ?? WebDefaults.Urls).Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
            first = first.Replace("://localhost", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1");
            return new Uri(first.TrimEnd('/') + "/");
        }
    }

    /// <inheritdoc />
    public Task<Uri> IssueAsync(Principal user, TimeSpan lifetime, CancellationToken ct) =>
        // Links asked for on Telegram are bound to that Telegram user; the role is looked up again at every request.
        IssueAsync(new WebIdentity(user.UserId, user.UserName, WebIdentity.TelegramSource), lifetime, ct);

    /// <summary>A fresh single-use link for an identity.</summary>
    public async Task<Uri> IssueAsync(WebIdentity identity, TimeSpan lifetime, CancellationToken ct)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var entry = new Entry(identity.UserId, identity.UserName, identity.Source, time.GetUtcNow() + lifetime);
        await store.SetAsync(KeyPrefix + Hash(token), JsonSerializer.Serialize(entry), lifetime, ct).ConfigureAwait(false);
        return new Uri(BaseUrl, "login?token=" + token);
    }

    /// <summary>Spends a token: the identity it was issued to, or null when unknown, used or expired.</summary>
    public async Task<WebIdentity?> RedeemAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 128) return null;
        var json = await store.GetDeleteAsync(KeyPrefix + Hash(token.Trim()), ct).ConfigureAwait(false);
        if (json is null) return null;
        var entry = JsonSerializer.Deserialize<Entry>(json);
        if (entry is null || time.GetUtcNow() >= entry.ExpiresAt) return null;
        return new WebIdentity(entry.UserId, entry.UserName, entry.Source);
    }

    /// <summary>The line <c>run</c> prints at start: a link for the local operator (an admin), valid <c>Web:OperatorLinkLifetime</c>.</summary>
    public async Task<string> OperatorLineAsync(CancellationToken ct) =>
        $"Dashboard: {await IssueAsync(WebIdentity.Operator, options.Value.OperatorLinkLifetime, ct).ConfigureAwait(false)}";

    /// <summary>Hex SHA-256 of a token, as configured for API tokens and stored for links.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Defaults shared by the host and the web channel.</summary>
public static class WebDefaults
{
    /// <summary>Where <c>run</c> listens when <c>Http:Urls</c> is not set: loopback only.</summary>
    public const string Urls = "http://127.0.0.1:8080";
}
