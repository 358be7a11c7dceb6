using AiTradingBot.Redis;
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
    public void Tls_with_a_private_ca_is_parsed()
    {
        var o = RedisConnectionOptions.Parse("redis.example:6380,ssl=true,sslCaFile=/etc/atb/redis-ca.pem");
        Assert.True(o.Ssl);
        Assert.Equal("/etc/atb/redis-ca.pem", o.SslCaFile);
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
    public void Bad_connection_strings_are_rejected_with_the_reason(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => RedisConnectionOptions.Parse(text));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("ConnectionStrings:Redis", ex.Message);
    }
}
