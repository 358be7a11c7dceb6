using System.Net;
using System.Text.RegularExpressions;

namespace AiTradingBot.Core.Audit;

/// <summary>
/// The one masking component for secrets wherever text leaves the process: replies on every channel (through
/// <see cref="Rendering.ReplyRenderer"/>), audit rows, notifications and logs. Built from configuration values whose
/// keys name a secret: any key whose last segment ends in <c>Token</c>, <c>Key</c>, <c>Secret</c> or <c>Password</c>
/// (also environment-style names such as <c>BYBIT_API_KEY</c>), and the passwords inside connection strings.
/// </summary>
public sealed partial class SecretRedactor
{
    // Dashboard sign-in links carry a single-use credential; wherever text is redacted, the token is masked.
    [GeneratedRegex(@"(login\?token=)[A-Za-z0-9_\-]+")]
    private static partial Regex LoginToken();

    private static readonly string[] SecretSuffixes = ["token", "key", "secret", "password", "passwd", "pwd"];
    private readonly string[] _secrets;

    /// <summary>Creates a redactor for the given secret values (short values are ignored to avoid masking noise).</summary>
    public SecretRedactor(IEnumerable<string?> secrets) =>
        _secrets = secrets.Where(s => !string.IsNullOrWhiteSpace(s)).SelectMany(s => Expand(s!)).Where(s => s.Length >= 6)
            .Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();

    /// <summary>A redactor that masks nothing.</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>A redactor for every secret in a configuration's key/value pairs.</summary>
    public static SecretRedactor FromConfiguration(IEnumerable<KeyValuePair<string, string?>> pairs) =>
        new(pairs.Where(kv => IsSecretKey(kv.Key)).Select(kv => kv.Value));

    /// <summary>
    /// Whether a configuration key names a secret: its last segment (after <c>:</c> or <c>__</c>), without
    /// underscores, ends in token, key, secret or password; or it is a connection string.
    /// </summary>
    public static bool IsSecretKey(string key)
    {
        var last = key.Replace("__", ":", StringComparison.Ordinal).Split(':')[^1].Replace("_", "", StringComparison.Ordinal);
        return SecretSuffixes.Any(s => last.EndsWith(s, StringComparison.OrdinalIgnoreCase))
               || last.Contains("secret", StringComparison.OrdinalIgnoreCase)
               || key.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)
               || key.Contains("connectionstring", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The text with every secret replaced by ***.</summary>
    public string Redact(string text) => Redact(text, keepSignInLinks: false);

    /// <summary>
    /// The text with every configured secret replaced by ***. <paramref name="keepSignInLinks"/> leaves dashboard
    /// sign-in tokens alone: only for the reply to the user who asked for the link (audit rows, logs and everything
    /// else mask them).
    /// </summary>
    public string Redact(string text, bool keepSignInLinks)
    {
        if (string.IsNullOrEmpty(text)) return text;
        if (!keepSignInLinks && text.Contains("login?token=", StringComparison.Ordinal)) text = LoginToken().Replace(text, "$1***");
        if (_secrets.Length == 0) return text;
        foreach (var s in _secrets)
            if (text.Contains(s, StringComparison.Ordinal)) text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }

    // A connection string's password is masked on its own too (an error message may quote just the password);
    // HTML-escaped forms are masked as they appear in Telegram and web pages.
    private static IEnumerable<string> Expand(string secret)
    {
        yield return secret;
        var html = WebUtility.HtmlEncode(secret);
        if (html != secret) yield return html;
        foreach (Match m in ConnectionPassword().Matches(secret))
        {
            var password = m.Groups["v"].Value.Trim().Trim('"', '\'');
            yield return password;
            if (WebUtility.HtmlEncode(password) is var p && p != password) yield return p;
        }
        // redis://user:password@host and postgres://user:password@host
        foreach (Match m in UrlPassword().Matches(secret)) yield return m.Groups["v"].Value;
    }

    [GeneratedRegex(@"(?:^|[;,\s])\s*(?:password|pwd)\s*=\s*(?<v>""[^""]*""|'[^']*'|[^;,]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionPassword();

    [GeneratedRegex(@"://[^:/@\s]*:(?<v>[^@/\s]+)@")]
    private static partial Regex UrlPassword();
}
