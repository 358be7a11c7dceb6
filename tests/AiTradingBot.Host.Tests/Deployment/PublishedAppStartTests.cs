using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AiTradingBot.Testing;
using Npgsql;
using Xunit;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>
/// The app starts the way the image starts it: the Dockerfile's ENTRYPOINT and CMD (<c>dotnet AiTradingBot.dll run</c>)
/// in the app's folder, as a non-root user, with an environment made only of the Dockerfile's ENV and the compose
/// file's settings for the bot (PostgreSQL and Redis pointed at the throwaway test servers). The dll is the host's
/// build output next to this test assembly: <c>dotnet publish</c> of the same project produces the same AiTradingBot.dll,
/// deps and runtimeconfig (no trimming, no single-file), so the image runs this very program.
/// </summary>
public sealed class PublishedAppStartTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _postgres = Integration.Require("ATB_TEST_POSTGRES", "PostgreSQL (scripts/servers/postgres.sh)");
    private readonly string _redis = Integration.Require("ATB_TEST_REDIS_AUTH", "Redis with a password (scripts/servers/redis.sh)");
    private readonly string _database = $"atb_deploy_{Guid.NewGuid():N}"[..24];
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"atb-deploy-{Guid.NewGuid():N}");

    public async ValueTask InitializeAsync()
    {
        await using var conn = new NpgsqlConnection(_postgres);
        await conn.OpenAsync(_ct);
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_database}", conn);
        await cmd.ExecuteNonQueryAsync(_ct);
        Directory.CreateDirectory(_dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_postgres);
        await conn.OpenAsync(CancellationToken.None);
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
        if (Directory.Exists(_dataDirectory)) Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_image_command_as_a_non_root_user_migrates_answers_healthz_and_stops_cleanly_on_SIGTERM()
    {
        var port = FreePort();
        var environment = ImageEnvironment(port, DatabaseConnectionString());
        // As compose does: the one-shot migrate service (the image with command `migrate`) runs to completion first.
        using (var migrate = StartAsImageDoes(environment, ["migrate"]))
        {
            Assert.True(await migrate.WaitForExitAsync(StartTimeout), $"migrate did not finish\n{migrate.Output}");
            Assert.True(migrate.ExitCode == 0, $"migrate exited {migrate.ExitCode}\n{migrate.Output}");
        }
        using var app = StartAsImageDoes(environment);

        var body = await WaitForHealthyAsync(app, port);

        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
            Assert.Equal("PAPER", json.RootElement.GetProperty("mode").GetString());
        }
        if (IsRoot) Assert.True(EffectiveUid(app.Id) != 0, $"the app runs as root\n{app.Output}");
        Assert.True(await SchemaVersionAsync() > 0, $"no migration was applied at start\n{app.Output}");

        // The image's HEALTHCHECK script finds the same port from Http__Urls and calls the app healthy.
        var probe = await ChildProcess.RunAsync(["/bin/bash", DeploymentFiles.HealthcheckScript], DeploymentFiles.Root,
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["Http__Urls"] = environment["Http__Urls"] }, TimeSpan.FromSeconds(10));
        Assert.True(probe.ExitCode == 0, $"healthcheck exited {probe.ExitCode}: {probe.Output}");

        var rss = ResidentMegabytes(app.Id);
        var limit = int.Parse(((string)DeploymentFiles.LoadCompose().Service(BotEnvironment.Service)["mem_limit"]!).TrimEnd('m'));
        Assert.True(rss < limit, $"resident memory {rss} MB after start is over the compose limit of {limit} MB");
        TestContext.Current.SendDiagnosticMessage($"app started as uid {EffectiveUid(app.Id)}, resident {rss} MB");

        app.Terminate();
        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the app did not exit within 30 s of SIGTERM\n{app.Output}");
        Assert.True(app.ExitCode == 0, $"exit code {app.ExitCode} after SIGTERM\n{app.Output}");

        var after = await ChildProcess.RunAsync(["/bin/bash", DeploymentFiles.HealthcheckScript], DeploymentFiles.Root,
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["Http__Urls"] = environment["Http__Urls"] }, TimeSpan.FromSeconds(10));
        Assert.True(after.ExitCode != 0, "healthcheck still healthy after the app stopped");
    }

    [Fact]
    public async Task A_database_that_refuses_connections_leaves_the_app_live_but_not_ready_while_migrate_fails_fast()
    {
        var port = FreePort();
        var closed = new NpgsqlConnectionStringBuilder(DatabaseConnectionString()) { Host = "127.0.0.1", Port = FreePort(), Timeout = 3 };
        var environment = ImageEnvironment(port, closed.ConnectionString);

        // The compose migrate service is a one-shot: without its database it fails at once, naming the cause.
        using (var migrate = StartAsImageDoes(environment, ["migrate"]))
        {
            Assert.True(await migrate.WaitForExitAsync(StartTimeout), $"migrate kept running without its database\n{migrate.Output}");
            Assert.True(migrate.ExitCode != 0, $"migrate exited 0 without a database\n{migrate.Output}");
        }

        // run keeps serving: live (the orchestrator does not restart it in a loop), not ready, the setting named once.
        using var app = StartAsImageDoes(environment);
        await WaitForHealthyAsync(app, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var ready = await http.GetAsync($"http://127.0.0.1:{port}/readyz", _ct);
        var body = await ready.Content.ReadAsStringAsync(_ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using (var json = JsonDocument.Parse(body))
        {
            var postgres = json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgres");
            Assert.Equal("unhealthy", postgres.GetProperty("status").GetString());
        }
        Assert.False(app.HasExited, app.Output);
        var named = app.Output.Split('\n').Count(l => l.Contains("does not answer", StringComparison.Ordinal) && l.Contains("ConnectionStrings:Postgres", StringComparison.Ordinal) && l.Contains("retrying with backoff", StringComparison.Ordinal));
        Assert.True(named == 1, $"expected one start-up line naming ConnectionStrings:Postgres, found {named}\n{app.Output}");
        Assert.DoesNotContain("Unhandled exception", app.Output);

        app.Terminate();
        Assert.True(await app.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"the app did not exit within 30 s of SIGTERM\n{app.Output}");
        Assert.True(app.ExitCode == 0, $"exit code {app.ExitCode} after SIGTERM\n{app.Output}");
    }

    // The compose file's own connection string options (pool-safe settings) with the test server's address and a fresh database.
    private string DatabaseConnectionString()
    {
        var composed = BotEnvironment.Load().Single(v => v.Name == "ConnectionStrings__Postgres").Value!;
        var server = new NpgsqlConnectionStringBuilder(_postgres);
        return new NpgsqlConnectionStringBuilder(composed)
        {
            Host = server.Host,
            Port = server.Port,
            Username = server.Username,
            Password = server.Password,
            Database = _database,
        }.ConnectionString;
    }

    /// <summary>The container's environment: the image's ENV, then the compose file's fixed settings for the bot, pointed at the test servers.</summary>
    private Dictionary<string, string> ImageEnvironment(int port, string postgres)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = _dataDirectory,
        };
        foreach (var (name, value) in DeploymentFiles.LoadDockerfile().Environment) env[name] = value;
        foreach (var variable in BotEnvironment.Load().Where(v => v.Source == "docker-compose.yml environment")) env[variable.Name] = variable.Value!;
        env["ConnectionStrings__Postgres"] = postgres;
        env["ConnectionStrings__Redis"] = _redis;
        // No socket proxy here: without an endpoint the host uses its labelled demo runtime.
        env.Remove("Docker__Endpoint");
        // A free loopback port and a temporary folder instead of 0.0.0.0:8080 and the /data volume.
        env["Http__Urls"] = $"http://127.0.0.1:{port}";
        env["Storage__DataDirectory"] = _dataDirectory;
        return env;
    }

    private ChildProcess StartAsImageDoes(IReadOnlyDictionary<string, string> environment, string[]? commandOverride = null)
    {
        var image = DeploymentFiles.LoadDockerfile();
        var command = commandOverride is null ? image.StartCommand : [.. image.StartCommand.Take(2), .. commandOverride];
        Assert.Equal("dotnet", command[0]);
        var appDirectory = AppContext.BaseDirectory;
        Assert.True(File.Exists(Path.Combine(appDirectory, command[1])), $"{command[1]} is not in {appDirectory}");
        if (IsRoot && !OperatingSystem.IsWindows() && !SearchableByOthers(appDirectory))
        {
            // The checkout is private to root: give the non-root user a readable copy, as the image's /app is.
            appDirectory = CopyReadable(appDirectory, Path.Combine(_dataDirectory, "app"));
        }
        string[] argv = [DotnetHost(), .. command[1..]];
        if (IsRoot && !OperatingSystem.IsWindows())
        {
            // As root (CI), drop to nobody the way the image's USER does; setpriv execs, so SIGTERM reaches the app itself.
            Assert.True(File.Exists("/usr/bin/setpriv"), "setpriv (util-linux) is needed to run the app as a non-root user");
            // The data folder stands in for the /data volume the image's user owns.
            File.SetUnixFileMode(_dataDirectory, (UnixFileMode)0x1FF);
            argv = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", .. argv];
        }
        return ChildProcess.Start(argv, appDirectory, environment);
    }

    private async Task<string> WaitForHealthyAsync(ChildProcess app, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartTimeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (app.HasExited) Assert.Fail($"the app exited with {app.ExitCode} before /healthz answered\n{app.Output}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/healthz", _ct);
                var body = await response.Content.ReadAsStringAsync(_ct);
                if (response.StatusCode == HttpStatusCode.OK) return body;
                last = $"{(int)response.StatusCode}: {body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(250, _ct);
        }
        Assert.Fail($"/healthz did not answer 200 within {StartTimeout.TotalSeconds} s (last: {last})\n{app.Output}");
        return "";
    }

    private async Task<int> SchemaVersionAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(_postgres) { Database = _database, Pooling = false };
        await using var conn = new NpgsqlConnection(builder.ConnectionString);
        await conn.OpenAsync(_ct);
        await using var cmd = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM trading.schema_migrations", conn);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(_ct));
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static int EffectiveUid(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2]);

    private static long ResidentMegabytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The dotnet host that runs this test run (the image runs the same runtime's "dotnet").
    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("dotnet was not found on PATH");
    }

    // Whether another user can reach the folder (every parent searchable), as the image's user can reach /app.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool SearchableByOthers(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if ((dir.UnixFileMode & UnixFileMode.OtherExecute) == 0) return false;
        }
        return true;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string CopyReadable(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        foreach (var dir in Directory.EnumerateDirectories(target, "*", SearchOption.AllDirectories).Prepend(target))
            File.SetUnixFileMode(dir, (UnixFileMode)0x1ED);
        return target;
    }
}
