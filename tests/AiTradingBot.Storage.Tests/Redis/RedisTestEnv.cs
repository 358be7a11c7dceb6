using AiTradingBot.Core.Ports;
using AiTradingBot.Redis;
using AiTradingBot.Testing;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>Shared helpers of the Redis integration tests.</summary>
internal static class RedisTestEnv
{
    /// <summary>Options of the open test server (skips or fails when it is not configured).</summary>
    public static RedisConnectionOptions Open() => RedisConnectionOptions.Parse(Integration.Require("ATB_TEST_REDIS", "Redis 7"));

    /// <summary>Options of the password-protected test server.</summary>
    public static RedisConnectionOptions WithAuth() => RedisConnectionOptions.Parse(Integration.Require("ATB_TEST_REDIS_AUTH", "Redis 7 with a password"));

    /// <summary>Polls a condition (a loaded machine gets generous time) and fails with <paramref name="what"/> when it never holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (LiveStateUnavailableException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Timed out after {within}: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>A key namespace no other test uses.</summary>
    public static string Namespace() => $"test:{Guid.NewGuid():N}:";

    /// <summary>Retries an action until it stops throwing "Redis unavailable" errors or the deadline passes.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> action, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await action();
            }
            catch (LiveStateUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Deletes every key under a namespace.</summary>
    public static async Task CleanAsync(RedisClient client, string ns)
    {
        var keys = new List<string>();
        await foreach (var k in client.ScanAsync(RedisKeyValueStore.EscapeGlob(ns) + "*")) keys.Add(k);
        await client.DeleteAsync(keys);
    }
}
