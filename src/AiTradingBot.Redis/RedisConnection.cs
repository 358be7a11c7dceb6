using System.Net.Sockets;
using System.Security.Authentication;
using AiTradingBot.Redis.Resp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Redis;

/// <summary>
/// One multiplexed, pipelined connection to a Redis server shared by every caller. It connects on first use,
/// authenticates and selects the database, and after a drop reconnects on the next command, waiting between failed
/// attempts with exponential backoff. Commands in flight when the connection drops fail with
/// <see cref="RedisConnectionException"/>; a cancelled or timed-out caller's reply is still read and discarded so the
/// replies behind it stay matched.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly RedisConnectionOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Action<RespValue>? _pushHandler;
    private readonly Func<Func<string[], Task<RespValue>>, CancellationToken, Task>? _afterHandshake;
    private readonly Lock _gate = new();
    private readonly ITimer _timeoutTimer;
    private volatile RedisSession? _session;
    private Task<RedisSession>? _connecting;
    private readonly Queue<PendingCommand> _backlog = new();
    private int _failures;
    private long _lastFailureAt;
    private bool _everConnected;
    private volatile bool _disposed;

    /// <summary>Creates the connection (nothing is opened until the first command or <see cref="ConnectAsync"/>).</summary>
    public RedisConnection(RedisConnectionOptions options, ILogger<RedisConnection>? logger = null, TimeProvider? time = null)
        : this(options, logger, time, null, null)
    {
    }

    internal RedisConnection(
        RedisConnectionOptions options,
        ILogger? logger,
        TimeProvider? time,
        Action<RespValue>? pushHandler,
        Func<Func<string[], Task<RespValue>>, CancellationToken, Task>? afterHandshake)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _pushHandler = pushHandler;
        _afterHandshake = afterHandshake;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.CommandTimeout.TotalMilliseconds / 4, 10, 1000));
        _timeoutTimer = _time.CreateTimer(static s => ((RedisConnection)s!).CheckTimeouts(), this, period, period);
    }

    /// <summary>The options in use (their <c>ToString</c> hides the password).</summary>
    public RedisConnectionOptions Options => _options;

    /// <summary>True while a live socket is open and authenticated.</summary>
    public bool IsConnected => _session is { IsDead: false };

    /// <summary>Commands written and still owed a reply.</summary>
    public int InFlight => _session?.InFlight ?? 0;

    internal RedisSession? CurrentSession => _session;

    /// <summary>Connects now (if not connected) so that a bad address or password shows at start-up.</summary>
    public async Task ConnectAsync(CancellationToken ct) => await GetSessionAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// Sends one command (name then arguments) and returns its reply. Error replies throw
    /// <see cref="RedisServerException"/>; no reply within the command timeout throws <see cref="RedisTimeoutException"/>.
    /// </summary>
    public Task<RespValue> ExecuteAsync(string[] command, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0) throw new ArgumentException("A command has at least its name.", nameof(command));
        // Checked here: a null found by the writer loop would break the connection for every caller.
        foreach (var arg in command) ArgumentNullException.ThrowIfNull(arg, nameof(command));
        if (_pushHandler is null && IsSubscription(command[0]))
            throw new ArgumentException($"{command[0]} turns a connection into a receiver; use RedisSubscriber.", nameof(command));
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ct.IsCancellationRequested) return Task.FromCanceled<RespValue>(ct);
        var session = _session;
        return session is { IsDead: false } ? Send(session, command, ct) : SendWhenConnected(command, ct);
    }

    // Replies to these arrive unasked and would break the in-order matching of a command connection.
    private static bool IsSubscription(string name) =>
        name.Length is >= 7 and <= 12 && (name.Equals("SUBSCRIBE", StringComparison.OrdinalIgnoreCase)
            || name.Equals("PSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
            || name.Equals("SSUBSCRIBE", StringComparison.OrdinalIgnoreCase)
            || name.Equals("MONITOR", StringComparison.OrdinalIgnoreCase));

    // Not connected: the command waits in the backlog, in issue order, and enters the new session's queue before any
    // later command can, so one caller's unawaited SET then GET still run in that order.
    private Task<RespValue> SendWhenConnected(string[] command, CancellationToken ct)
    {
        var pending = new PendingCommand(command, _time.GetTimestamp());
        pending.Watch(ct);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var session = _session;
            if (session is { IsDead: false }) session.Enqueue(pending);
            else
            {
                _backlog.Enqueue(pending);
                StartAttempt();
            }
        }
        return pending.Task;
    }

    private Task<RespValue> Send(RedisSession session, string[] command, CancellationToken ct)
    {
        var pending = new PendingCommand(command, _time.GetTimestamp());
        pending.Watch(ct);
        session.Enqueue(pending);
        return pending.Task;
    }

    // Caller holds _gate.
    private Task<RedisSession> StartAttempt() => _connecting ??= Task.Run(ConnectOnceAsync);

    private async Task<RedisSession> GetSessionAsync(CancellationToken ct)
    {
        Task<RedisSession> attempt;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is { IsDead: false } live) return live;
            attempt = StartAttempt();
        }
        try
        {
            return await attempt.WaitAsync(_options.CommandTimeout, _time, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw StillConnecting();
        }
    }

    private RedisConnectionException StillConnecting() => new(
        $"Redis at {_options.Endpoint} is not reachable: still connecting after {_options.CommandTimeout.TotalMilliseconds:0} ms. Check {_options.Source}.");

    private async Task<RedisSession> ConnectOnceAsync()
    {
        var delay = Backoff();
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _time).ConfigureAwait(false);
        using var attemptCts = new CancellationTokenSource(_options.ConnectTimeout, _time);
        RedisSession? session = null;
        try
        {
            session = await RedisSession.OpenAsync(_options, _pushHandler, attemptCts.Token).ConfigureAwait(false);
            await HandshakeAsync(session, attemptCts.Token).ConfigureAwait(false);
            bool reconnected;
            lock (_gate)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(RedisConnection));
                while (_backlog.TryDequeue(out var waiting)) session.Enqueue(waiting);
                _session = session;
                _connecting = null;
                _failures = 0;
                reconnected = _everConnected;
                _everConnected = true;
            }
            var connected = session;
            _ = connected.Closed.ContinueWith(_ => OnClosed(connected), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (reconnected) _logger.LogInformation("Reconnected to Redis at {Endpoint} (database {Database})", _options.Endpoint, _options.Database);
            else _logger.LogInformation("Connected to Redis at {Endpoint} (database {Database})", _options.Endpoint, _options.Database);
            return session;
        }
        catch (Exception ex)
        {
            if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
            Exception error = ex is ObjectDisposedException ? ex : ex as RedisConnectionException ?? new RedisConnectionException(
                $"Redis at {_options.Endpoint} is not reachable: {Describe(ex, attemptCts.IsCancellationRequested)}. Check {_options.Source}.", ex);
            var waiting = new ReplyBatch();
            lock (_gate)
            {
                _failures++;
                _lastFailureAt = _time.GetTimestamp();
                // Commands that waited for this attempt get its error; the next command starts a new attempt.
                while (_backlog.TryDequeue(out var command)) waiting.Add(command, error);
                _connecting = null;
            }
            waiting.Dispatch();
            if (ex is ObjectDisposedException) throw;
            _logger.LogWarning("Connecting to Redis at {Endpoint} failed (attempt {Attempt}): {Reason}", _options.Endpoint, _failures, error.Message);
            throw error;
        }
    }

    private TimeSpan Backoff()
    {
        lock (_gate)
        {
            if (_failures == 0) return TimeSpan.Zero;
            var full = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << Math.Min(_failures - 1, 16)));
            var remaining = full - _time.GetElapsedTime(_lastFailureAt);
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }
    }

    private async Task HandshakeAsync(RedisSession session, CancellationToken ct)
    {
        if (_options.Password is not null)
        {
            string[] auth = _options.User is null ? ["AUTH", _options.Password] : ["AUTH", _options.User, _options.Password];
            try
            {
                await Send(session, auth, ct).ConfigureAwait(false);
            }
            catch (RedisServerException ex)
            {
                throw new RedisConnectionException(
                    $"Redis at {_options.Endpoint} refused the credentials ({ex.Code}: {FirstSentence(ex.ServerMessage)}). Check the user/password in {_options.Source}.");
            }
        }
        if (_options.Database != 0)
        {
            try
            {
                await Send(session, ["SELECT", _options.Database.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
            }
            catch (RedisServerException ex)
            {
                throw new RedisConnectionException(
                    $"Redis at {_options.Endpoint} cannot select database {_options.Database} ({ServerReason(ex)}). Check defaultDatabase in {_options.Source}.");
            }
        }
        try
        {
            // PING proves the session works (and that no password is required when none is configured).
            await Send(session, _options.ClientName is null ? ["PING"] : ["CLIENT", "SETNAME", _options.ClientName], ct).ConfigureAwait(false);
        }
        catch (RedisServerException ex)
        {
            throw new RedisConnectionException($"Redis at {_options.Endpoint} rejected the connection ({ServerReason(ex)}). Check {_options.Source}.");
        }
        if (_afterHandshake is not null) await _afterHandshake(command => Send(session, command, ct), ct).ConfigureAwait(false);
    }

    private static string ServerReason(RedisServerException ex) =>
        ex.Code == "NOAUTH" ? "it requires a password: set password=" : $"{ex.Code}: {FirstSentence(ex.ServerMessage)}";

    private static string FirstSentence(string message)
    {
        var dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot < 0 ? message : message[..dot];
    }

    private string Describe(Exception ex, bool timedOut) => ex switch
    {
        OperationCanceledException when timedOut => $"no answer within {_options.ConnectTimeout.TotalMilliseconds:0} ms",
        SocketException se => se.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => $"host '{_options.Host}' not found",
            SocketError.TimedOut => $"no answer within {_options.ConnectTimeout.TotalMilliseconds:0} ms",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
            SocketError.ConnectionReset => "connection reset by the server",
            _ => se.Message,
        },
        AuthenticationException ae => $"TLS handshake failed ({ae.Message})",
        IOException { InnerException: SocketException inner } => Describe(inner, timedOut),
        _ => ex.Message,
    };

    /// <summary>Makes the next command reconnect (for tests and for a health check that saw a broken socket).</summary>
    internal void DropConnection(string reason) => _session?.Fail(reason);

    private void OnClosed(RedisSession session)
    {
        if (_disposed) return;
        _logger.LogWarning("Lost the connection to Redis at {Endpoint}: {Reason}; the next command reconnects", _options.Endpoint, session.FailureReason);
    }

    private void CheckTimeouts()
    {
        try
        {
            var now = _time.GetTimestamp();
            _session?.CheckTimeouts(now, _time);
            lock (_gate)
            {
                foreach (var waiting in _backlog)
                {
                    if (_time.GetElapsedTime(waiting.StartedAt, now) < _options.CommandTimeout) break;
                    waiting.Fail(StillConnecting());
                }
            }
        }
        catch (Exception ex)
        {
            // A timer callback must never throw; the next tick tries again.
            _logger.LogDebug(ex, "Redis timeout scan failed");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        RedisSession? session;
        var waiting = new ReplyBatch();
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            session = _session;
            while (_backlog.TryDequeue(out var command))
                waiting.Add(command, new RedisConnectionException($"The connection to Redis at {_options.Endpoint} was closed before {command.Name} was sent; it did not run."));
        }
        waiting.Dispatch();
        await _timeoutTimer.DisposeAsync().ConfigureAwait(false);
        if (session is not null) await session.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Synchronous disposal for containers disposed synchronously; closing sockets does not block for long.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
