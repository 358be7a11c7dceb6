using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Redis;

/// <summary>
/// The main connection (the connection string's database) plus, created on first use, one connection per other
/// database number the adapter writes to (per-bot position databases): <c>SELECT</c> is per connection.
/// </summary>
public sealed class RedisDatabases : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<int, Lazy<RedisClient>> _clients = new();
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;

    /// <summary>Wraps the main connection; other databases reuse its options.</summary>
    public RedisDatabases(RedisConnection main, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        Main = new RedisClient(main ?? throw new ArgumentNullException(nameof(main)));
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
        _clients[main.Options.Database] = new Lazy<RedisClient>(Main);
    }

    /// <summary>Client of the connection string's database.</summary>
    public RedisClient Main { get; }

    /// <summary>Client of a given database number.</summary>
    public RedisClient For(int database) => _clients.GetOrAdd(database, db => new Lazy<RedisClient>(() =>
        new RedisClient(new RedisConnection(Main.Connection.Options with { Database = db }, _loggers.CreateLogger<RedisConnection>(), _time)))).Value;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values.Where(l => l.IsValueCreated).Select(l => l.Value))
            await client.Connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Synchronous disposal for containers disposed synchronously; closing sockets does not block for long.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
