using AiTradingBot.Bybit.Tests.Server;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>Signing, checked against Bybit's published vectors (peers.md) and an independent HMAC.</summary>
public sealed class BybitSignerTests
{
    private readonly BybitSigner _signer = new("XXXXXXXXXX");

    [Fact]
    public void Get_request_signature_matches_the_published_vector() =>
        Assert.Equal("b3a13cbd6f9de0ad7ece696645a98000281be3558716624cfca03debd2f24574",
            _signer.SignRest(1658384313791, "XXXXXXXXXX", 5000, "category=option&symbol=BTC-29JUL22-25000-C"));

    [Fact]
    public void Post_request_signature_matches_the_published_vector() =>
        Assert.Equal("a04dea33a62e644897b14c6ff458db428b9c2424b5cb785c9586490ccaca24af",
            _signer.SignRest(1658385578423, "XXXXXXXXXX", 5000, "{\"category\":\"option\"}"));

    [Fact]
    public void WebSocket_auth_signs_GET_realtime_and_the_expiry() =>
        Assert.Equal(BybitTestServer.HexHmac("XXXXXXXXXX", "GET/realtime1662350400000"), _signer.SignWebSocket(1662350400000));

    [Fact]
    public void Signature_is_lowercase_hex_of_32_bytes()
    {
        var s = _signer.SignRest(1, "k", 5000, "");
        Assert.Matches("^[0-9a-f]{64}$", s);
    }
}
