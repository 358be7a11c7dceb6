using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AiTradingBot.Redis.Resp;

namespace AiTradingBot.Redis;

/// <summary>
/// One physical connection: callers queue commands, a writer loop sends everything queued in as few socket writes as
/// it can, and a reader loop parses replies and hands each to the oldest command still owed one (Redis answers in
/// order). When the socket fails, every queued and in-flight command fails with <see cref="RedisConnectionException"/>.
/// </summary>
internal sealed class RedisSession : IAsyncDisposable
{
    // Flush once this much is encoded even if more commands are waiting, so big batches stream out.
    private const int FlushThreshold = 64 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly RedisConnectionOptions _options;
    private readonly Action<RespValue>? _pushHandler;
    private readonly ConcurrentQueue<PendingCommand> _sendQueue = new();
    private readonly ConcurrentQueue<PendingCommand> _awaitingReply = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _writerIdle;
    private int _dead;
    private string _failureReason = "";
    private Task _writer = Task.CompletedTask;
    private Task _reader = Task.CompletedTask;

    private RedisSession(Socket socket, Stream stream, RedisConnectionOptions options, Action<RespValue>? pushHandler)
    {
        _socket = socket;
        _stream = stream;
        _options = options;
        _pushHandler = pushHandler;
    }

    /// <summary>True once the socket failed or the session was disposed.</summary>
    public bool IsDead => Volatile.Read(ref _dead) != 0;

    /// <summary>Completes when the session dies; carries no error (read <see cref="FailureReason"/>).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Why the session died, for logs.</summary>
    public string FailureReason => _failureReason;

    /// <summary>Commands written and still owed a reply (for tests and health).</summary>
    public int InFlight => _awaitingReply.Count;

    /// <summary>Opens the TCP (and TLS) connection and starts the loops; the caller then runs the handshake commands.</summary>
    public static async Task<RedisSession> OpenAsync(RedisConnectionOptions options, Action<RespValue>? pushHandler, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            await socket.ConnectAsync(options.Host, options.Port, ct).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                var tls = new SslClientAuthenticationOptions { TargetHost = options.Host };
                if (options.SslCaFile is not null) tls.RemoteCertificateValidationCallback = TrustedByCa(options.SslCaFile);
                await ssl.AuthenticateAsClientAsync(tls, ct).ConfigureAwait(false);
                stream = ssl;
            }
            var session = new RedisSession(socket, stream, options, pushHandler);
            session.Start();
            return session;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // A private CA: the server's chain must end in one of the file's certificates and the name must match.
    private static RemoteCertificateValidationCallback TrustedByCa(string caFile)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }

    private void Start()
    {
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>Queues a command for sending; if the session is already dead the command fails at once.</summary>
    public void Enqueue(PendingCommand command)
    {
        _sendQueue.Enqueue(command);
        if (IsDead)
        {
            // Fail() may have drained before this enqueue landed; drain again so no command is stranded.
            DrainSendQueue();
            return;
        }
        if (Interlocked.CompareExchange(ref _writerIdle, 0, 1) == 1) _wake.Release();
    }

    /// <summary>Fails commands whose caller has waited longer than the timeout; kills the session if the server stalls.</summary>
    public void CheckTimeouts(long now, TimeProvider time)
    {
        var timeout = _options.CommandTimeout;
        foreach (var queue in new[] { _sendQueue, _awaitingReply })
        {
            foreach (var command in queue)
            {
                var waited = time.GetElapsedTime(command.StartedAt, now);
                if (waited < timeout) break; // queues are in issue order: the rest are younger
                if (!command.Task.IsCompleted)
                {
                    command.Fail(new RedisTimeoutException(
                        $"Redis at {_options.Endpoint} did not answer {command.Name} within {timeout.TotalMilliseconds:0} ms " +
                        $"({_awaitingReply.Count} commands in flight); it may still run."));
                }
            }
        }
        // A written command unanswered for twice the timeout means a dead peer (half-open TCP, stopped process).
        if (_awaitingReply.TryPeek(out var oldest) && time.GetElapsedTime(oldest.StartedAt, now) > timeout * 2)
            Fail($"no reply for {(timeout * 2).TotalMilliseconds:0} ms");
    }

    private async Task WriteLoopAsync()
    {
        var writer = new RespWriter();
        try
        {
            while (!IsDead)
            {
                while (_sendQueue.TryDequeue(out var command))
                {
                    // A caller that already gave up before its command left is not sent at all.
                    if (command.Task.IsCompleted) continue;
                    writer.WriteCommand(command.Args);
                    // Queued for its reply before the bytes leave, so the reply can never arrive first.
                    _awaitingReply.Enqueue(command);
                    if (writer.Length >= FlushThreshold)
                    {
                        await _stream.WriteAsync(writer.Written).ConfigureAwait(false);
                        writer.Clear();
                    }
                }
                if (writer.Length > 0)
                {
                    await _stream.WriteAsync(writer.Written).ConfigureAwait(false);
                    await _stream.FlushAsync().ConfigureAwait(false);
                    writer.Clear();
                }
                Volatile.Write(ref _writerIdle, 1);
                if (!_sendQueue.IsEmpty && Interlocked.CompareExchange(ref _writerIdle, 0, 1) == 1) continue;
                await _wake.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Fail(Describe(ex));
        }
        finally
        {
            // Anything the loop queued for a reply after Fail() drained must fail too.
            if (IsDead) DrainAwaiting();
        }
    }

    private async Task ReadLoopAsync()
    {
        var pipe = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        try
        {
            while (!IsDead)
            {
                var result = await pipe.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                var reader = new SequenceReader<byte>(buffer);
                ReplyBatch? batch = null;
                try
                {
                    while (RespParser.TryParse(ref reader, out var reply)) Dispatch(reply, ref batch);
                }
                finally
                {
                    // Replies parsed before a protocol error still reach their callers.
                    batch?.Dispatch();
                }
                pipe.AdvanceTo(reader.Position, buffer.End);
                if (result.IsCompleted)
                {
                    Fail(reader.Remaining > 0 ? "the server closed the connection mid-reply" : "the server closed the connection");
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(Describe(ex));
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(in RespValue reply, ref ReplyBatch? batch)
    {
        if (_pushHandler is not null && IsPush(reply))
        {
            _pushHandler(reply);
            return;
        }
        if (!_awaitingReply.TryDequeue(out var command))
            throw new RespProtocolException("Received a reply that no command was waiting for.");
        (batch ??= new ReplyBatch()).Add(command, reply);
    }

    // Pub/sub deliveries arrive unasked (RESP2: an array starting with "message"/"pmessage"; RESP3: a push).
    private static bool IsPush(in RespValue reply)
    {
        if (reply.Type == RespType.Push) return true;
        if (reply.Type != RespType.Array || reply.Items.Count < 3 || reply.Items[0].Type != RespType.BulkString) return false;
        var kind = reply.Items[0].Bytes!.Value.Span;
        return kind.SequenceEqual("message"u8) || kind.SequenceEqual("pmessage"u8) || kind.SequenceEqual("smessage"u8);
    }

    /// <summary>Marks the session dead, closes the socket and fails every queued and in-flight command.</summary>
    public void Fail(string reason)
    {
        if (Interlocked.Exchange(ref _dead, 1) != 0) return;
        _failureReason = reason;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        DrainAwaiting();
        DrainSendQueue();
        _wake.Release();
        _closed.TrySetResult();
    }

    private void DrainAwaiting()
    {
        var batch = new ReplyBatch();
        while (_awaitingReply.TryDequeue(out var command))
        {
            batch.Add(command, new RedisConnectionException(
                $"The connection to Redis at {_options.Endpoint} was lost ({_failureReason}) while {command.Name} was in flight; " +
                "it may or may not have run."));
        }
        batch.Dispatch();
    }

    private void DrainSendQueue()
    {
        var batch = new ReplyBatch();
        while (_sendQueue.TryDequeue(out var command))
        {
            batch.Add(command, new RedisConnectionException(
                $"The connection to Redis at {_options.Endpoint} was lost ({_failureReason}) before {command.Name} was sent; it did not run."));
        }
        batch.Dispatch();
    }

    private static string Describe(Exception ex) => ex switch
    {
        IOException { InnerException: SocketException se } => Describe(se),
        SocketException se => se.SocketErrorCode switch
        {
            SocketError.ConnectionReset => "connection reset by the server",
            SocketError.ConnectionAborted => "connection aborted",
            SocketError.Shutdown or SocketError.OperationAborted => "connection closed",
            _ => se.Message,
        },
        ObjectDisposedException => "connection closed",
        RespProtocolException pe => $"protocol error: {pe.Message}",
        _ => ex.Message,
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Fail("the client closed the connection");
        try { await Task.WhenAll(_writer, _reader).ConfigureAwait(false); } catch (Exception) { /* loops report through Fail */ }
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
