using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>Bybit return codes this adapter treats specially, and operator-facing messages for them.</summary>
internal static class BybitErrors
{
    public const int ServerTimeout = 10000;
    public const int ParamError = 10001;
    public const int TimeWindow = 10002;
    public const int InvalidKey = 10003;
    public const int SignError = 10004;
    public const int PermissionDenied = 10005;
    public const int RateLimited = 10006;
    public const int IpBanned = 10009;
    public const int IpNotAllowed = 10010;
    public const int ServerError = 10016;
    public const int LeverageNotModified = 110043;
    public const int DuplicateOrderLinkId = 110072;

    /// <summary>Codes after which a request may or may not have been carried out.</summary>
    public static bool IsAmbiguous(int code) => code is ServerTimeout or ServerError;

    /// <summary>An exception telling the operator what to fix, for codes that are configuration problems; else null.</summary>
    public static ExchangeException? Configuration(int code, string environment) => code switch
    {
        InvalidKey => new ExchangeException(
            $"Bybit rejected the API key (10003). Check Bybit:ApiKey, and that the key was created for the {environment} environment (mainnet, testnet and demo keys differ) and has not expired.",
            code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        SignError => new ExchangeException(
            "Bybit rejected the request signature (10004). Check that Bybit:ApiSecret belongs to Bybit:ApiKey (HMAC keys only, not RSA).",
            code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        PermissionDenied => new ExchangeException(
            "The Bybit API key lacks a permission for this call (10005). Give the key read-write Contract/Derivatives and Spot trading permissions (never withdrawal).",
            code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        IpNotAllowed => new ExchangeException(
            "Bybit refused this machine's IP address for the API key (10010). Add it to the key's IP whitelist.",
            code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        IpBanned => new ExchangeException(
            "Bybit has temporarily banned this IP address (10009). Wait before retrying and reduce the request rate.",
            code.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        _ => null,
    };
}
