using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AiTradingBot.Testing;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>
/// A redis-server process owned by one test, so the test can kill and restart it. The binary comes from
/// ATB_TEST_REDIS_SERVER (scripts/servers/redis.sh exports it).
/// </summary>
internal sealed class RedisTestServer : IAsyncDisposable
{
    private readonly string _binary;
    private readonly string _dir;
    private Process? _process;

    private RedisTestServer(string binary, int port)
    {
        _binary = binary;
        Port = port;
        _dir = Directory.CreateTempSubdirectory("atb-redis-test-").FullName;
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free loopback port (skips or fails the test when no binary is configured).</summary>
    public static async Task<RedisTestServer> StartAsync(params string[] extraArgs)
    {
        var binary = Integration.Require("ATB_TEST_REDIS_SERVER", "A redis-server binary for restart tests");
        var server = new RedisTestServer(binary, FreePort());
        await server.StartProcessAsync(extraArgs);
        return server;
    }

    /// <summary>Starts a server on a given port (one a client is already trying to reach).</summary>
    public static async Task<RedisTestServer> StartOnAsync(int port, params string[] extraArgs)
    {
        var binary = Integration.Require("ATB_TEST_REDIS_SERVER", "A redis-server binary for restart tests");
        var server = new RedisTestServer(binary, port);
        await server.StartProcessAsync(extraArgs);
        return server;
    }

    /// <summary>Starts a server that speaks only TLS on its port, with the given PEM certificate and key.</summary>
    public static async Task<RedisTestServer> StartTlsAsync(string certFile, string keyFile)
    {
        var binary = Integration.Require("ATB_TEST_REDIS_SERVER", "A redis-server binary for TLS tests");
        var server = new RedisTestServer(binary, FreePort());
        // Later arguments win: the plain port is switched off and the TLS port takes its number.
        await server.StartProcessAsync("--port", "0", "--tls-port", server.Port.ToString(), "--tls-cert-file", certFile,
            "--tls-key-file", keyFile, "--tls-ca-cert-file", certFile, "--tls-auth-clients", "no");
        return server;
    }

    /// <summary>Starts (again) on the same port.</summary>
    public async Task StartProcessAsync(params string[] extraArgs)
    {
        var psi = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no", "--dir", _dir })
            psi.ArgumentList.Add(a);
        foreach (var a in extraArgs) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
                await Task.Delay(20);
            }
        }
        throw new TimeoutException($"redis-server did not listen on {Port}");
    }

    /// <summary>Kills the process at once (SIGKILL): clients see their connection reset.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
