using System.Net.Sockets;
using System.Security.Authentication;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AiTradingBot.Redis;

/// <summary>
/// The host's one <see cref="IConnectionMultiplexer"/>, created on first use (never in a constructor, so building the
/// container does no I/O) and kept for the host's lifetime. With <c>AbortOnConnectFail=false</c> it exists even when
/// Redis is down and reconnects by itself. Lost and restored connections are logged once per change, and every
/// library failure is turned into a <see cref="RedisUnavailableException"/> whose message names the server and the
/// setting to check.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, RedisClient> _clients = new();
    private readonly ILogger _logger;
    private IConnectionMultiplexer? _multiplexer;
    private volatile string? _lastFailure;
    private int _state; // StateNeverConnected, StateUp, StateDown
    private bool _disposed;

    private const int StateNeverConnected = 0;
    private const int StateUp = 1;
    private const int StateDown = 2;

    /// <summary>Creates the connection (it connects on first use).</summary>
    public RedisConnection(RedisConnectionOptions options, ILogger<RedisConnection>? logger = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Where and how it connects.</summary>
    public RedisConnectionOptions Options { get; }

    /// <summary>True while the interactive connection is up.</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>Raised (on a library thread) when the interactive connection comes back after a loss.</summary>
    public event Action? Restored;

    /// <summary>A client of the connection string's database, or of <paramref name="database"/>.</summary>
    public RedisClient Client(int? database = null) => _clients.GetOrAdd(database ?? Options.Database, db => new RedisClient(this, db));

    /// <summary>
    /// The multiplexer, connecting on the first call. When Redis is unreachable this returns after the connect timeout
    /// with a multiplexer that keeps retrying in the background; commands then fail with a clear error.
    /// </summary>
    public ValueTask<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken ct = default) =>
        _multiplexer is { } ready ? ValueTask.FromResult(ready) : new ValueTask<IConnectionMultiplexer>(ConnectSlowAsync(ct));

    private async Task<IConnectionMultiplexer> ConnectSlowAsync(CancellationToken ct)
    {
        await _connectLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_multiplexer is { } existing) return existing;
            IConnectionMultiplexer multiplexer;
            try
            {
                multiplexer = await ConnectionMultiplexer.ConnectAsync(Options.ToConfiguration()).WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsLibraryFailure(e))
            {
                throw Unavailable(e, null);
            }
            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
            if (multiplexer.IsConnected) Interlocked.CompareExchange(ref _state, StateUp, StateNeverConnected);
            _multiplexer = multiplexer;
            return multiplexer;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive) return;
        _lastFailure = Describe(e.Exception, e.FailureType);
        // The start-up probe reports a server that was never reached; here only the change from up to down is logged.
        if (Interlocked.CompareExchange(ref _state, StateDown, StateUp) == StateUp)
            _logger.LogWarning("Lost the connection to Redis at {Endpoint} ({Reason}); reconnecting. Confirmations and live positions fail until it is back.",
                Options.Endpoint, _lastFailure);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive) return;
        var previous = Interlocked.Exchange(ref _state, StateUp);
        _lastFailure = null;
        if (previous != StateUp) _logger.LogInformation("Connected to Redis at {Endpoint}", Options.Endpoint);
        try
        {
            Restored?.Invoke();
        }
        catch (Exception ex)
        {
            _logger.LogWarning("A Redis reconnect handler failed: {Error}", ex.Message);
        }
    }

    /// <summary>True for the exceptions StackExchange.Redis raises for an unreachable or misbehaving server.</summary>
    internal static bool IsLibraryFailure(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or SocketException or AuthenticationException or IOException;

    /// <summary>
    /// The operator-facing error for a failed <paramref name="command"/>: unreachable (with the reason), credentials
    /// refused, or no answer in time (then it may or may not have run). Never includes the password or values.
    /// </summary>
    internal RedisUnavailableException Unavailable(Exception e, string? command)
    {
        var check = $"Check {Options.Source}.";
        var connected = _multiplexer?.IsConnected == true;
        if (e is RedisTimeoutException && connected)
            return new RedisUnavailableException(
                $"Redis at {Options.Endpoint} did not answer {command ?? "a command"} within {Options.CommandTimeout.TotalMilliseconds:0} ms; it may or may not have run. {check}", e);
        var reason = e is RedisConnectionException rce ? Describe(rce, rce.FailureType) : Describe(e, null);
        if (reason is "no connection" or "timeout" && _lastFailure is { } last) reason = last;
        return new RedisUnavailableException($"Redis at {Options.Endpoint} is not reachable: {reason}. {check}", e);
    }

    /// <summary>A short reason for a failure: connection refused, host not found, TLS handshake failed, credentials refused, ...</summary>
    internal string Describe(Exception? e, ConnectionFailureType? type)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }: return "connection refused";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }: return "host not found";
                case SocketException { SocketErrorCode: SocketError.TimedOut }: return $"no answer within {Options.ConnectTimeout.TotalMilliseconds:0} ms";
                case AuthenticationException auth: return $"TLS handshake failed ({auth.Message})";
            }
            if (x.Message.Contains("WRONGPASS", StringComparison.Ordinal) || x.Message.Contains("NOAUTH", StringComparison.Ordinal))
                return "the user name or password was refused";
        }
        return type switch
        {
            ConnectionFailureType.AuthenticationFailure => "the user name or password was refused",
            ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.UnableToConnect => _lastFailure ?? "unable to connect",
            ConnectionFailureType.SocketClosed or ConnectionFailureType.SocketFailure => _lastFailure ?? "the connection was lost",
            ConnectionFailureType.ConnectionDisposed => "the connection was closed",
            ConnectionFailureType.ProtocolFailure => "protocol failure",
            null when e is RedisTimeoutException => "timeout",
            _ => "no connection",
        };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            if (_multiplexer is { } m)
            {
                m.ConnectionFailed -= OnConnectionFailed;
                m.ConnectionRestored -= OnConnectionRestored;
                await m.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _connectLock.Release();
        }
    }
}

/// <summary>Redis could not be reached, refused the credentials, or did not answer in time; the message says which.</summary>
public sealed class RedisUnavailableException(string message, Exception? inner = null) : LiveStateUnavailableException(message, inner);
