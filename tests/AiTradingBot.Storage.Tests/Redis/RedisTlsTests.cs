using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AiTradingBot.Redis;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>ssl=true against a TLS-only redis-server whose certificate comes from a private CA.</summary>
public sealed class RedisTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atb-redis-tls-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (string Cert, string Key) WriteSelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(_dir, "redis.crt");
        var keyFile = Path.Combine(_dir, "redis.key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    [Fact]
    public async Task Tls_with_the_private_ca_connects_and_runs_commands()
    {
        var (cert, key) = WriteSelfSignedCertificate();
        await using var server = await RedisTestServer.StartTlsAsync(cert, key);
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"{server.Endpoint},ssl=true,sslCaFile={cert}"));
        var client = new RedisClient(connection);
        Assert.True(await client.SetAsync("tls-key", "over tls", ct: Ct));
        Assert.Equal("over tls", await client.GetAsync("tls-key", Ct));
    }

    [Fact]
    public async Task Tls_with_an_untrusted_certificate_is_refused_clearly()
    {
        var (cert, key) = WriteSelfSignedCertificate();
        await using var server = await RedisTestServer.StartTlsAsync(cert, key);
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"{server.Endpoint},ssl=true,connectTimeout=2000,commandTimeout=2000"));
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => new RedisClient(connection).PingAsync(Ct));
        Assert.StartsWith($"Redis at {server.Endpoint} is not reachable: TLS handshake failed", ex.Message);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
