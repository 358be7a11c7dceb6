using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>Checks the Bybit section at start so a bad configuration fails before any order is attempted.</summary>
internal sealed class BybitOptionsValidator : IValidateOptions<BybitOptions>
{
    public ValidateOptionsResult Validate(string? name, BybitOptions o)
    {
        var errors = new List<string>();
        if (!Enum.TryParse<BybitEnvironment>(o.Environment, ignoreCase: true, out _) || int.TryParse(o.Environment, out _))
            errors.Add($"Bybit:Environment must be mainnet, testnet or demo (got '{o.Environment}').");
        if (string.IsNullOrWhiteSpace(o.ApiKey))
            errors.Add("Bybit:ApiKey is required when Exchange:Provider is bybit (create a key with read and trade permissions, no withdrawal).");
        if (string.IsNullOrWhiteSpace(o.ApiSecret))
            errors.Add("Bybit:ApiSecret is required when Exchange:Provider is bybit.");
        if (o.RecvWindow is < 1 or > 60000)
            errors.Add($"Bybit:RecvWindow must be between 1 and 60000 milliseconds (got {o.RecvWindow}).");
        CheckUrl(o.BaseUrl, "Bybit:BaseUrl", ["http", "https"], errors);
        CheckUrl(o.WebSocketUrl, "Bybit:WebSocketUrl", ["ws", "wss"], errors);
        CheckUrl(o.PublicWebSocketUrl, "Bybit:PublicWebSocketUrl", ["ws", "wss"], errors);
        if (o.SettleCoinList.Count == 0 || o.SettleCoinList.Any(c => !c.All(char.IsAsciiLetterOrDigit)))
            errors.Add($"Bybit:SettleCoins must list settle coins such as USDT,USDC (got '{o.SettleCoins}').");
        if (o.RequestTimeout <= TimeSpan.Zero) errors.Add("Bybit:RequestTimeout must be positive.");
        if (o.PingInterval <= TimeSpan.Zero) errors.Add("Bybit:PingInterval must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(string? value, string key, string[] schemes, List<string> errors)
    {
        if (string.IsNullOrEmpty(value)) return;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !schemes.Contains(uri.Scheme))
            errors.Add($"{key} must be an absolute {string.Join(" or ", schemes)} URL (got '{value}').");
    }
}
