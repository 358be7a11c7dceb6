using System.Security.Cryptography;
using System.Text;

namespace AiTradingBot.Bybit;

/// <summary>
/// Bybit V5 HMAC-SHA256 signatures (lowercase hex): REST signs <c>timestamp + apiKey + recvWindow + (query | body)</c>,
/// the private WebSocket signs <c>"GET/realtime" + expires</c>.
/// </summary>
public sealed class BybitSigner
{
    private readonly byte[] _secret;

    /// <summary>Creates a signer for one API secret.</summary>
    public BybitSigner(string apiSecret)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiSecret);
        _secret = Encoding.UTF8.GetBytes(apiSecret);
    }

    /// <summary>Signature of a REST request; <paramref name="payload"/> is the exact query string or JSON body sent.</summary>
    public string SignRest(long timestamp, string apiKey, int recvWindow, string payload) =>
        Sign(string.Concat(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), apiKey,
            recvWindow.ToString(System.Globalization.CultureInfo.InvariantCulture), payload));

    /// <summary>Signature of the private WebSocket auth for an expiry in Unix milliseconds.</summary>
    public string SignWebSocket(long expires) => Sign("GET/realtime" + expires.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private string Sign(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(text);
        HMACSHA256.HashData(_secret, bytes, hash);
        return Convert.ToHexStringLower(hash);
    }
}
