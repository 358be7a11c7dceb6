using System.Text.RegularExpressions;

namespace AiTradingBot.Core.Audit;

/// <summary>
/// Masks configured secrets (API keys, bot token, passwords) wherever text leaves the process: audit rows, logs,
/// chat. Built from configuration values whose keys name a secret.
/// </summary>
public sealed partial class SecretRedactor
{
    // Dashboard sign-in links carry a single-use credential; wherever text is redacted, the token is masked.
    [GeneratedRegex(@"(login\?token=)[A-Za-z0-9_\-]+")]
    private static partial Regex LoginToken();

    private readonly string[] _secrets;

    /// <summary>Creates a redactor for the given secret values (short values are ignored to avoid masking noise).</summary>
    public SecretRedactor(IEnumerable<string?> secrets) =>
        _secrets = secrets.Where(s => !string.IsNullOrWhiteSpace(s) && s.Length >= 6).Select(s => s!).Distinct().OrderByDescending(s => s.Length).ToArray();

    /// <summary>A redactor that masks nothing.</summary>
    public static SecretRedactor None { get; } = new([]);

    /// <summary>Whether a configuration key names a secret.</summary>
    public static bool IsSecretKey(string key) =>
        key.Contains("secret", StringComparison.OrdinalIgnoreCase) || key.Contains("token", StringComparison.OrdinalIgnoreCase)
        || key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.EndsWith("ApiKey", StringComparison.OrdinalIgnoreCase)
        || key.Contains("connectionstring", StringComparison.OrdinalIgnoreCase);

    /// <summary>The text with every secret replaced by ***.</summary>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return text;
        if (text.Contains("login?token=", StringComparison.Ordinal)) text = LoginToken().Replace(text, "$1***");
        if (_secrets.Length == 0) return text;
        foreach (var s in _secrets)
            if (text.Contains(s, StringComparison.Ordinal)) text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }
}
