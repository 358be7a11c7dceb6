using AiTradingBot.Redis;
using StackExchange.Redis;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

public sealed class RedisConnectionOptionsTests
{
    [Fact]
    public void A_full_connection_string_is_parsed()
    {
        var o = RedisConnectionOptions.Parse("redis.local:6380,user=bot,password=s3cr=t,defaultDatabase=3,ssl=false,connectTimeout=2000,commandTimeout=750,name=atb");
        Assert.Equal("redis.local", o.Host);
        Assert.Equal(6380, o.Port);
        Assert.Equal("bot", o.User);
        Assert.Equal("s3cr=t", o.Password);
        Assert.Equal(3, o.Database);
        Assert.False(o.Ssl);
        Assert.Equal(TimeSpan.FromSeconds(2), o.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(750), o.CommandTimeout);
        Assert.Equal("atb", o.ClientName);
    }

    [Fact]
    public void Tls_with_a_private_ca_is_parsed_and_a_missing_ca_file_is_rejected()
    {
        var ca = Path.GetTempFileName();
        try
        {
            var o = RedisConnectionOptions.Parse($"redis.example:6380,ssl=true,sslCaFile={ca}");
            Assert.True(o.Ssl);
            Assert.Equal(ca, o.SslCaFile);
        }
        finally
        {
            File.Delete(ca);
        }
        var ex = Assert.Throws<FormatException>(() => RedisConnectionOptions.Parse("redis.example:6380,ssl=true,sslCaFile=/nonexistent/ca.pem"));
        Assert.Equal("Redis:ConnectionString: the sslCaFile '/nonexistent/ca.pem' does not exist.", ex.Message);
    }

    [Fact]
    public void The_protocol_is_resp2_unless_resp3_is_asked_for()
    {
        Assert.Equal(RedisProtocol.Resp2, RedisConnectionOptions.Parse("h:1").Protocol);
        Assert.Equal(RedisProtocol.Resp3, RedisConnectionOptions.Parse("h:1,protocol=resp3").Protocol);
        Assert.Equal(RedisProtocol.Resp2, RedisConnectionOptions.Parse("h:1,protocol=RESP2").ToConfiguration().Protocol);
    }

    [Fact]
    public void The_library_settings_never_abort_and_carry_auth_database_tls_and_timeouts()
    {
        var c = RedisConnectionOptions.Parse("redis.local:6380,user=bot,password=pw,defaultDatabase=4,ssl=true,connectTimeout=1500,commandTimeout=900,name=atb").ToConfiguration();
        Assert.False(c.AbortOnConnectFail);
        Assert.Equal("bot", c.User);
        Assert.Equal("pw", c.Password);
        Assert.Equal(4, c.DefaultDatabase);
        Assert.True(c.Ssl);
        Assert.Equal("redis.local", c.SslHost);
        Assert.Equal(1500, c.ConnectTimeout);
        Assert.Equal(900, c.AsyncTimeout);
        Assert.Equal(900, c.SyncTimeout);
        Assert.Equal("atb", c.ClientName);
        Assert.IsType<ExponentialRetry>(c.ReconnectRetryPolicy);
        Assert.Equal(RedisProtocol.Resp2, c.Protocol);
        Assert.Equal("redis.local:6380", Assert.Single(c.EndPoints).ToString()!.Replace("Unspecified/", ""));
    }

    [Fact]
    public void Port_defaults_to_6379_and_ipv6_literals_are_bracketed()
    {
        Assert.Equal(6379, RedisConnectionOptions.Parse("localhost").Port);
        var v6 = RedisConnectionOptions.Parse("[::1]:7000");
        Assert.Equal("::1", v6.Host);
        Assert.Equal(7000, v6.Port);
        Assert.Equal("[::1]:7000", v6.Endpoint);
    }

    [Fact]
    public void The_password_never_appears_in_ToString()
    {
        var o = RedisConnectionOptions.Parse("127.0.0.1:6379,password=hunter2,defaultDatabase=2");
        Assert.DoesNotContain("hunter2", o.ToString());
        Assert.Equal("127.0.0.1:6379,password=*****,defaultDatabase=2", o.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("password=x", "no host:port")]
    [InlineData("h:99999", "invalid port")]
    [InlineData("h:1,defaultDatabase=-1", "defaultDatabase must be")]
    [InlineData("h:1,ssl=maybe", "ssl must be true or false")]
    [InlineData("h:1,h2:2", "more than one endpoint")]
    [InlineData("h:1,retries=3", "unknown option 'retries'")]
    [InlineData("h:1,user=bot", "user= without password=")]
    [InlineData("h:1,sslCaFile=/ca.pem", "sslCaFile= without ssl=true")]
    [InlineData("h:1,protocol=resp4", "protocol must be resp2 or resp3")]
    public void Bad_connection_strings_are_rejected_with_the_reason(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => RedisConnectionOptions.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("Redis:ConnectionString", ex.Message);
    }
}
