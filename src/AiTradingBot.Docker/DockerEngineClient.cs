using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Telemetry;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Docker;

/// <summary>
/// One Docker host's Engine API (also Podman's compatible API) through Docker.DotNet. Pins the API version to the lower of
/// ours and the daemon's (from <c>/_ping</c>), maps failures to the core's typed exceptions naming the host and endpoint,
/// and never sends a shell string.
/// </summary>
public sealed partial class DockerEngineClient : IDisposable
{
    /// <summary>Label carried by every container this assistant launched; only those may be removed.</summary>
    public const string ManagedLabel = "aitradingbot.managed";

    /// <summary>Value of <see cref="ManagedLabel"/> on managed containers.</summary>
    public const string ManagedLabelValue = "true";

    private const int MaxLogTail = 100_000;
    private const long MaxLogBytes = 32L * 1024 * 1024;
    private const int MaxStopSeconds = 3600;

    private readonly DockerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private readonly HttpClient _ping;
    private DockerApiVersion? _apiVersion;
    private DockerClient? _client;

    /// <summary>Creates a client of <paramref name="options"/>.Endpoint, known as host <paramref name="host"/>.</summary>
    public DockerEngineClient(DockerOptions options, TimeProvider? time = null, ILogger<DockerEngineClient>? logger = null, string host = ContainerHosts.Default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Target = new DockerTarget(ContainerHosts.Normalize(host), DockerEndpoint.Parse(options.Endpoint));
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        // Only for /_ping: the library does not expose its Api-Version header.
        _ping = new HttpClient(Endpoint.CreateHandler(), disposeHandler: true) { BaseAddress = Endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (DockerApiVersion.TryParse(options.ApiVersion, out var pinned)) _apiVersion = pinned;
    }

    /// <summary>The host's name and endpoint.</summary>
    public DockerTarget Target { get; }

    /// <summary>The host's name (<c>default</c> for <c>Docker:Endpoint</c>).</summary>
    public string HostName => Target.Host;

    /// <summary>Where this client talks to.</summary>
    public DockerEndpoint Endpoint => Target.Endpoint;

    /// <summary>The API version in use once negotiated (or pinned by <c>Docker:ApiVersion</c>).</summary>
    public DockerApiVersion? ApiVersion => _apiVersion;

    private TimeSpan RequestTimeout => TimeSpan.FromSeconds(_options.RequestTimeoutSeconds);

    /// <summary>
    /// Negotiates the API version: <c>/_ping</c>'s <c>Api-Version</c> header, else <c>/version</c>'s <c>ApiVersion</c>;
    /// uses the lower of the daemon's and ours. Cached after the first success.
    /// </summary>
    public async Task<DockerApiVersion> NegotiateApiVersionAsync(CancellationToken ct)
    {
        await GetClientAsync("answer a ping", ct).ConfigureAwait(false);
        return _apiVersion!.Value;
    }

    /// <summary>The library's client pinned to the negotiated version (built once).</summary>
    private async Task<DockerClient> GetClientAsync(string operation, CancellationToken ct)
    {
        if (Volatile.Read(ref _client) is { } ready) return ready;
        await _negotiation.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_client is { } again) return again;
            var version = _apiVersion ?? await AskApiVersionAsync(operation, ct).ConfigureAwait(false);
            _apiVersion = version;
            var client = new DockerClientBuilder()
                .WithEndpoint(LibraryEndpoint())
                .WithApiVersion(new System.Version(version.Major, version.Minor))
                // Every call sets its own deadline (stop needs its grace period on top).
                .WithTimeout(Timeout.InfiniteTimeSpan)
                .Build();
            Volatile.Write(ref _client, client);
            return client;
        }
        finally
        {
            _negotiation.Release();
        }
    }

    private Uri LibraryEndpoint() =>
        Endpoint.IsUnixSocket ? new Uri("unix://" + Endpoint.SocketPath) : new Uri($"tcp://{Endpoint.Host}:{Endpoint.Port}");

    private async Task<DockerApiVersion> AskApiVersionAsync(string operation, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        DockerApiVersion? server;
        // The ping is a Docker call of its own: a host that is down shows here (the operation that needed it is not sent).
        var observed = AiTradingBotTelemetry.StartDockerRequest(HostName, "ping");
        var outcome = "error";
        try
        {
            using (var response = await _ping.GetAsync("/_ping", HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false))
            {
                if ((int)response.StatusCode is 401 or 403)
                    throw DockerErrorMapper.FromStatus((int)response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false), Target, operation, null);
                server = ReadApiVersionHeader(response);
            }
            if (server is null)
            {
                // An unversioned library client reads /version.
                using var plain = new DockerClientBuilder().WithEndpoint(LibraryEndpoint()).WithTimeout(Timeout.InfiniteTimeSpan).Build();
                var v = await plain.System.GetVersionAsync(cts.Token).ConfigureAwait(false);
                server = DockerApiVersion.TryParse(v.APIVersion, out var parsed) ? parsed : null;
            }
            outcome = "ok";
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            outcome = "timeout";
            throw DockerErrorMapper.Timeout(Target, operation, RequestTimeout, ex);
        }
        catch (DockerApiException ex)
        {
            throw DockerErrorMapper.FromStatus((int)ex.StatusCode, ex.ResponseBody, Target, operation, null);
        }
        catch (Exception ex) when (IsTransport(ex) && !ct.IsCancellationRequested)
        {
            outcome = "unreachable";
            LogTransportError(Target.ToString(), operation, ex.Message);
            throw DockerErrorMapper.FromTransport(ex, Target, operation);
        }
        finally
        {
            observed.Finish(ct.IsCancellationRequested && outcome == "error" ? "cancelled" : outcome);
        }
        if (server is not { } s)
            throw new ContainerRuntimeException(
                $"Docker at {Target} did not report an API version (neither /_ping nor /version). Is it a Docker Engine API? "
                + "Set Docker:ApiVersion to pin one.");
        var chosen = DockerApiVersion.Negotiate(s);
        if (chosen.CompareTo(DockerApiVersion.ClientMinimum) < 0)
            throw new ContainerRuntimeException(
                $"Docker at {Target} speaks API {s}, older than the {DockerApiVersion.ClientMinimum} this assistant needs. Upgrade the daemon.");
        LogNegotiated(Target.ToString(), s.ToString(), chosen.ToString());
        return chosen;
    }

    /// <summary>The version from <c>/_ping</c>'s <c>Api-Version</c> header.</summary>
    internal static DockerApiVersion? ReadApiVersionHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Api-Version", out var values) && DockerApiVersion.TryParse(values.FirstOrDefault(), out var v) ? v : null;

    /// <summary>State of a container.</summary>
    public async Task<ContainerInfo> InspectAsync(string container, CancellationToken ct)
    {
        var c = CheckReference(container);
        var r = await CallAsync($"inspect container '{c}'", c, RequestTimeout, (d, t) => d.Containers.InspectContainerAsync(c, t), ct).ConfigureAwait(false);
        return ToInfo(r, c);
    }

    /// <summary>Containers matching <paramref name="filter"/> (names anchored and re-checked client-side).</summary>
    internal async Task<IReadOnlyList<ContainerSummary>> ListAsync(DockerContainerFilter filter, bool all, CancellationToken ct)
    {
        var parameters = new ContainersListParameters { All = all, Filters = filter.ToFilters() };
        var items = await CallAsync("list containers", null, RequestTimeout, (d, t) => d.Containers.ListContainersAsync(parameters, t), ct).ConfigureAwait(false);
        return items
            .Where(i => filter.MatchesName(i.Names))
            .Select(i => new ContainerSummary(
                i.ID ?? "",
                (i.Names?.FirstOrDefault() ?? "").TrimStart('/'),
                string.IsNullOrEmpty(i.State) ? "unknown" : i.State,
                i.Status ?? "",
                i.Image,
                Labels(i.Labels)))
            .ToList();
    }

    /// <summary>Containers, optionally only those with a label (<c>key</c> or <c>key=value</c>).</summary>
    public Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct) =>
        ListAsync(new DockerContainerFilter(Labels: string.IsNullOrWhiteSpace(label) ? null : [label]), all: true, ct);

    /// <summary>Starts a container; 304 (already running) is success with <see cref="ContainerActionResult.AlreadyInState"/>.</summary>
    public Task<ContainerActionResult> StartAsync(string container, CancellationToken ct)
    {
        var c = CheckReference(container);
        return ActionAsync($"start container '{c}'", c, RequestTimeout, (d, t) => d.Containers.StartContainerAsync(c, new ContainerStartParameters(), t), ct);
    }

    /// <summary>Stops a container with an explicit grace period <paramref name="timeout"/> (always sent as <c>t</c>).</summary>
    public Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var c = CheckReference(container);
        var t = GraceSeconds(timeout);
        return ActionAsync($"stop container '{c}'", c, RequestTimeout + TimeSpan.FromSeconds(t),
            (d, token) => d.Containers.StopContainerAsync(c, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)t }, token), ct);
    }

    /// <summary>Restarts a container with an explicit grace period <paramref name="timeout"/> (always sent as <c>t</c>).</summary>
    public Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var c = CheckReference(container);
        var t = GraceSeconds(timeout);
        return ActionAsync($"restart container '{c}'", c, RequestTimeout + TimeSpan.FromSeconds(t), async (d, token) =>
        {
            await d.Containers.RestartContainerAsync(c, new ContainerRestartParameters { WaitBeforeKillSeconds = (uint)t }, token).ConfigureAwait(false);
            return true;
        }, ct);
    }

    /// <summary>
    /// Last lines of a container's stdout and stderr through the library's multiplexed stream (it reads the container's
    /// <c>Tty</c>: raw with one, 8-byte frames without). <see cref="LogQuery.Grep"/> is a case-insensitive substring applied
    /// here, over the last <see cref="DockerOptions.LogGrepScanLines"/> lines.
    /// </summary>
    public async Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var c = CheckReference(container);
        var tail = Math.Clamp(query.Tail, 1, MaxLogTail);
        var grep = string.IsNullOrEmpty(query.Grep) ? null : query.Grep;
        var fetch = grep is null ? tail : Math.Max(tail, _options.LogGrepScanLines);
        var parameters = new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Follow = false,
            Tail = fetch.ToString(CultureInfo.InvariantCulture),
            Timestamps = query.Timestamps ? true : null,
            Since = query.Since is { } since && since > TimeSpan.Zero
                ? (_time.GetUtcNow() - since).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
                : null,
        };
        var raw = await CallAsync($"read the logs of container '{c}'", c, RequestTimeout, async (d, t) =>
        {
            using var stream = await d.Containers.GetContainerLogsAsync(c, parameters, t).ConfigureAwait(false);
            return await ReadLinesAsync(stream, t).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);

        IEnumerable<LogLine> lines = raw.Select(l => ToLogLine(l.Stream, l.Text, query.Timestamps));
        if (grep is not null) lines = lines.Where(l => l.Text.Contains(grep, StringComparison.OrdinalIgnoreCase));
        return lines.TakeLast(tail).ToList();
    }

    /// <summary>Splits a (demultiplexed or raw) output stream into lines per stream, reading at most 32 MiB.</summary>
    internal static async Task<IReadOnlyList<(LogStream Stream, string Text)>> ReadLinesAsync(MultiplexedStream stream, CancellationToken ct)
    {
        var splitter = new DockerLineSplitter();
        var buffer = new byte[16 * 1024];
        long total = 0;
        while (total < MaxLogBytes)
        {
            var r = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
            if (r.EOF) break;
            total += r.Count;
            splitter.Add(r.Target == MultiplexedStream.TargetStream.StandardError ? LogStream.Stderr : LogStream.Stdout, buffer.AsSpan(0, r.Count));
        }
        splitter.Complete();
        return splitter.Lines;
    }

    /// <summary>One line, with Docker's RFC 3339 prefix parsed off when timestamps were requested.</summary>
    internal static LogLine ToLogLine(LogStream stream, string text, bool timestamps)
    {
        if (timestamps)
        {
            var space = text.IndexOf(' ');
            var head = space > 0 ? text[..space] : text;
            if (head.Length >= 20 && char.IsAsciiDigit(head[0]) && DockerTime.Parse(head) is { } at)
                return new LogLine(stream, space > 0 ? text[(space + 1)..] : "", at);
        }
        return new LogLine(stream, text);
    }

    /// <summary>One stats sample (<c>stream=false</c>, one-shot), or null when the daemon has none (container not running).</summary>
    internal async Task<DockerStatsSample?> GetStatsSampleAsync(string container, CancellationToken ct)
    {
        var c = CheckReference(container);
        var last = new LastValue<ContainerStatsResponse>();
        await CallAsync($"read the stats of container '{c}'", c, RequestTimeout, async (d, t) =>
        {
            await d.Containers.GetContainerStatsAsync(c, new ContainerStatsParameters { Stream = false, OneShot = true }, last, t).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
        var sample = DockerStatsSample.From(last.Value);
        // Podman sends nothing for a stopped container; Docker sends zero counters and a zero read time.
        return sample is null || (sample.Read is null && sample.CpuTotal is null or 0) ? null : sample;
    }

    /// <summary>
    /// CPU %, memory used (without reclaimable cache), memory limit and PIDs. CPU comes from the daemon's
    /// <c>precpu_stats</c> when filled (Docker), otherwise from two samples of our own
    /// <see cref="DockerOptions.StatsSampleMilliseconds"/> apart (Podman leaves <c>precpu_stats</c> zero).
    /// </summary>
    public async Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct)
    {
        var first = await GetStatsSampleAsync(container, ct).ConfigureAwait(false);
        if (first is null) return new ContainerStats(null, null, null, null);
        if (DockerStatsMath.HasPrecpu(first)) return ToStats(first, DockerStatsMath.CpuPercentFromPrecpu(first));

        var started = _time.GetTimestamp();
        await Task.Delay(TimeSpan.FromMilliseconds(_options.StatsSampleMilliseconds), _time, ct).ConfigureAwait(false);
        var second = await GetStatsSampleAsync(container, ct).ConfigureAwait(false);
        if (second is null) return ToStats(first, null);
        return ToStats(second, DockerStatsMath.CpuPercentBetween(first, second, _time.GetElapsedTime(started)));
    }

    private static ContainerStats ToStats(DockerStatsSample s, double? cpu) =>
        new(cpu, DockerStatsMath.MemoryUsed(s), s.MemoryLimit is > 0 ? s.MemoryLimit : null, s.Pids);

    /// <summary>
    /// Runs an argv in a running container: a new exec per call (create, start attached, inspect the exit code).
    /// Output (stdout and stderr in arrival order) is kept up to <see cref="DockerOptions.ExecOutputLimitBytes"/>.
    /// </summary>
    public async Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct)
    {
        var c = CheckReference(container);
        CheckArgv(argv);
        var operation = $"run '{argv[0]}' in container '{c}'";
        ContainerExecCreateResponse created;
        try
        {
            created = await CallAsync(operation, c, RequestTimeout, (d, t) => d.Exec.CreateContainerExecAsync(c,
                new ContainerExecCreateParameters { AttachStdout = true, AttachStderr = true, Cmd = argv.ToList() }, t), ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeConflictException)
        {
            // Docker says 409 "is not running", Podman 500 "container state improper": tell the user the same thing for both.
            if (await InspectAsync(c, ct).ConfigureAwait(false) is { Running: false } stopped)
                throw new ContainerRuntimeConflictException(409,
                    $"Container '{c}' is not running (state: {stopped.State}), so '{argv[0]}' cannot run in it. Start it first.");
            throw;
        }
        if (string.IsNullOrEmpty(created?.ID))
            throw new ContainerRuntimeException($"Docker at {Target} did not return an exec id when asked to {operation}.");
        var execId = created.ID;

        var limit = _options.ExecOutputLimitBytes;
        var execTimeout = TimeSpan.FromSeconds(_options.ExecTimeoutSeconds);
        (byte[] Bytes, int Length, bool Truncated) output;
        try
        {
            output = await CallAsync(operation, c, execTimeout, async (d, t) =>
            {
                using var stream = await d.Exec.StartContainerExecAsync(execId, new ContainerExecStartParameters { Detach = false, TTY = false }, t).ConfigureAwait(false);
                return await ReadCappedAsync(stream, limit, t).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeUnavailableException ex) when (ex.InnerException is OperationCanceledException)
        {
            throw new ContainerRuntimeException(
                $"'{argv[0]}' in container '{c}' did not finish within {execTimeout.TotalSeconds:0} s (Docker:ExecTimeoutSeconds); "
                + "it may still be running inside the container.");
        }

        // The stream ends when the process exits; the daemon may take a moment to record the exit code.
        for (var attempt = 0; ; attempt++)
        {
            var inspect = await CallAsync(operation, c, RequestTimeout, (d, t) => d.Exec.InspectContainerExecAsync(execId, t), ct).ConfigureAwait(false);
            if (!inspect.Running && inspect.ExitCode is { } code)
                return new ExecResult((int)code, DecodeUtf8Prefix(output.Bytes, output.Length), output.Truncated);
            if (attempt >= 40)
                throw new ContainerRuntimeException($"Docker at {Target} did not report an exit code after the output of {operation} ended.");
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads an exec stream, keeping the first <paramref name="limit"/> bytes and discarding the rest. A connection reset
    /// after the process ended (seen with some daemons) ends the output; the exit code inspection that follows tells.
    /// </summary>
    internal static async Task<(byte[] Bytes, int Length, bool Truncated)> ReadCappedAsync(MultiplexedStream stream, int limit, CancellationToken ct)
    {
        var kept = new byte[limit];
        var length = 0;
        var truncated = false;
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var r = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
                if (r.EOF) break;
                var room = limit - length;
                if (r.Count > room) truncated = true;
                var n = Math.Min(room, r.Count);
                buffer.AsSpan(0, n).CopyTo(kept.AsSpan(length));
                length += n;
            }
        }
        catch (IOException ex) when (FindSocketError(ex) is SocketError.ConnectionReset)
        {
            // Docker.DotNet #11: the daemon may reset the hijacked connection instead of closing it.
        }
        return (kept, length, truncated);
    }

    /// <summary>Decodes UTF-8, dropping a multi-byte character cut in half by the output cap.</summary>
    internal static string DecodeUtf8Prefix(byte[] bytes, int length)
    {
        var end = length;
        // Walk back over continuation bytes to the start of the last character and keep it only if complete.
        var start = end - 1;
        while (start >= 0 && end - start < 4 && (bytes[start] & 0xC0) == 0x80) start--;
        if (start >= 0 && bytes[start] >= 0xC0)
        {
            var need = bytes[start] >= 0xF0 ? 4 : bytes[start] >= 0xE0 ? 3 : 2;
            if (end - start < need) end = start;
        }
        return Encoding.UTF8.GetString(bytes, 0, end);
    }

    /// <summary>
    /// Creates and starts a container from a template with a fixed, safe host configuration (see <see cref="SafeHostConfig"/>),
    /// <see cref="ManagedLabel"/> set, an explicit stop timeout and restart policy. Only an image already on the host is used
    /// (nothing is pulled). A container that cannot be started is removed again.
    /// </summary>
    public async Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim() ?? "";
        if (!ContainerNameRegex().IsMatch(name))
            throw new ContainerRuntimeException(
                $"'{name}' is not a valid container name: use letters, digits, '_', '.' and '-', starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(request.Image) || request.Image.Any(char.IsWhiteSpace))
            throw new ContainerRuntimeException($"'{request.Image}' is not a valid image reference for container '{name}'.");
        var image = request.Image.Trim();
        var body = new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Cmd = request.Command is { Count: > 0 } cmd ? CheckArgv(cmd).ToList() : null!,
            Env = request.Environment.Select(kv => EnvEntry(kv.Key, kv.Value)).ToList(),
            Labels = new Dictionary<string, string>(request.Labels, StringComparer.Ordinal) { [ManagedLabel] = ManagedLabelValue },
            StopTimeout = TimeSpan.FromSeconds(GraceSeconds(request.StopTimeout)),
            HostConfig = SafeHostConfig(request),
        };

        try
        {
            await CallAsync($"find image '{image}'", null, RequestTimeout, (d, t) => d.Images.InspectImageAsync(image, t), ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException ex) when (ex is not ContainerRuntimeUnavailableException and not ContainerRuntimeAccessDeniedException)
        {
            throw new ContainerRuntimeException(
                $"The image '{image}' is not present on docker {Target}, and nothing is pulled: build or pull it on that host first, then launch '{name}' again.");
        }
        var created = await CallAsync($"create container '{name}' from image '{image}'", null, RequestTimeout,
            (d, t) => d.Containers.CreateContainerAsync(body, t), ct).ConfigureAwait(false);
        var id = created?.ID;
        if (string.IsNullOrEmpty(id))
            throw new ContainerRuntimeException($"Docker at {Target} did not return an id for the new container '{name}'.");
        try
        {
            await StartAsync(id, ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException)
        {
            // Do not leave a half-launched container behind; the start failure is what the user needs to see.
            try
            {
                await DeleteAsync(id, name, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ContainerRuntimeException cleanup)
            {
                LogLaunchCleanupFailed(name, cleanup.Message);
            }
            throw;
        }
        return await InspectAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The only host configuration a launched bot gets: not privileged, no binds or mounts of the host, no devices, the
    /// default (bridge) network and private PID/IPC namespaces, every capability dropped and no privilege escalation,
    /// memory and CPU limits from the template, and its restart policy.
    /// </summary>
    internal static HostConfig SafeHostConfig(LaunchRequest request) => new()
    {
        Privileged = false,
        Binds = [],
        Mounts = [],
        Devices = [],
        NetworkMode = "bridge",
        PidMode = "",
        IpcMode = "private",
        CapDrop = ["ALL"],
        SecurityOpt = ["no-new-privileges"],
        PublishAllPorts = false,
        RestartPolicy = ParseRestartPolicy(request.RestartPolicy),
        Memory = request.MemoryLimitBytes is > 0 and var m ? m : 0,
        // The same limit for swap: no swap on top of the memory limit.
        MemorySwap = request.MemoryLimitBytes is > 0 and var ms ? ms : 0,
        NanoCPUs = request.Cpus is > 0 and var cpus ? (long)Math.Round(cpus * 1e9) : 0,
        PidsLimit = 512,
    };

    /// <summary>
    /// Removes a container the assistant launched. Refuses (defense in depth, even if a plan got this far) a container
    /// without <c>aitradingbot.managed=true</c>.
    /// </summary>
    public async Task RemoveAsync(string container, bool force, CancellationToken ct)
    {
        var c = CheckReference(container);
        var info = await InspectAsync(c, ct).ConfigureAwait(false);
        if (!info.Labels.TryGetValue(ManagedLabel, out var v) || !string.Equals(v, ManagedLabelValue, StringComparison.OrdinalIgnoreCase))
            throw new UnmanagedContainerException(c,
                $"Refusing to remove container '{c}': it does not carry the label {ManagedLabel}={ManagedLabelValue}, so it was not launched by "
                + "this assistant. Remove it by hand on the Docker host if that is really intended.");
        await DeleteAsync(info.Id, c, force, ct).ConfigureAwait(false);
    }

    private Task<bool> DeleteAsync(string id, string name, bool force, CancellationToken ct) =>
        CallAsync($"remove container '{name}'", name, RequestTimeout + TimeSpan.FromSeconds(force ? 15 : 0), async (d, t) =>
        {
            await d.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = force, RemoveVolumes = false }, t).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>
    /// Container events (die, start, restart, health) from the Engine API's <c>/events</c> stream, from <paramref name="since"/>
    /// on when given. Ends when the daemon closes the stream; a dropped connection throws <see cref="ContainerRuntimeUnavailableException"/>.
    /// </summary>
    public async IAsyncEnumerable<ContainerEvent> WatchEventsAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct)
    {
        const string operation = "watch container events";
        var client = await GetClientAsync(operation, ct).ConfigureAwait(false);
        // One request (span and metrics) for the stream's whole life: ok when the daemon ends it, cancelled when we do.
        var observed = AiTradingBotTelemetry.StartDockerRequest(HostName, operation);
        var outcome = "error";
        var parameters = new ContainerEventsParameters
        {
            // Whole seconds: every daemon parses them; the replayed overlap is dropped by the caller's event keys.
            Since = since is { } s ? s.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : null,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["type"] = new Dictionary<string, bool> { ["container"] = true } },
        };
        var channel = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = Task.Run(async () =>
        {
            try
            {
                await client.System.MonitorEventsAsync(parameters, new ChannelProgress<Message>(channel.Writer), stop.Token).ConfigureAwait(false);
                outcome = "ok";
                channel.Writer.TryComplete();
            }
            catch (OperationCanceledException ex)
            {
                outcome = "cancelled";
                channel.Writer.TryComplete(ex);
            }
            catch (DockerApiException ex)
            {
                outcome = (int)ex.StatusCode == 404 ? "not_found" : "error";
                channel.Writer.TryComplete(DockerErrorMapper.FromStatus((int)ex.StatusCode, ex.ResponseBody, Target, operation, null));
            }
            catch (Exception ex) when (IsTransport(ex))
            {
                // Our own cancellation can surface as a transport error on the stream being torn down.
                outcome = stop.IsCancellationRequested ? "cancelled" : "unreachable";
                channel.Writer.TryComplete(DockerErrorMapper.FromTransport(ex, Target, operation));
            }
            finally
            {
                observed.Finish(outcome);
            }
        }, CancellationToken.None);
        try
        {
            await foreach (var m in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                if (ToEvent(m) is { } e) yield return e;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await pump.ConfigureAwait(false); }
            catch (OperationCanceledException) { /* we stopped it */ }
        }
    }

    /// <summary>Our event from the daemon's message; null for actions we do not watch.</summary>
    internal static ContainerEvent? ToEvent(Message m)
    {
        if (!string.Equals(m.Type, "container", StringComparison.OrdinalIgnoreCase) || m.Actor is null) return null;
        var attributes = m.Actor.Attributes ?? new Dictionary<string, string>();
        var action = m.Action ?? "";
        ContainerEventKind kind;
        string? health = null;
        if (action == "die") kind = ContainerEventKind.Died;
        else if (action == "start") kind = ContainerEventKind.Started;
        else if (action == "restart") kind = ContainerEventKind.Restarted;
        // Docker says destroy, Podman remove: the container is gone (a launched bot stops being watched).
        else if (action is "destroy" or "remove") kind = ContainerEventKind.Removed;
        else if (action.StartsWith("health_status", StringComparison.Ordinal))
        {
            kind = ContainerEventKind.HealthChanged;
            // Docker: "health_status: unhealthy"; Podman: the status in an attribute.
            health = action.Contains(':') ? action[(action.IndexOf(':') + 1)..].Trim()
                : attributes.TryGetValue("health_status", out var h) ? h : null;
        }
        else return null;
        var nano = m.TimeNano ?? (m.Time ?? 0) * 1_000_000_000L;
        int? exit = kind == ContainerEventKind.Died && attributes.TryGetValue("exitCode", out var x)
                    && int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : null;
        // Both daemons copy the container's labels into the event's attributes.
        var managed = attributes.TryGetValue(ManagedLabel, out var label) && string.Equals(label, ManagedLabelValue, StringComparison.OrdinalIgnoreCase);
        return new ContainerEvent(kind, m.Actor.ID ?? "", attributes.TryGetValue("name", out var n) ? n.TrimStart('/') : "",
            DateTimeOffset.UnixEpoch.AddTicks(nano / 100), nano, exit, health, managed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client?.Dispose();
        _ping.Dispose();
        _negotiation.Dispose();
    }

    // ---- plumbing ----

    private async Task<ContainerActionResult> ActionAsync(string operation, string container, TimeSpan timeout,
        Func<DockerClient, CancellationToken, Task<bool>> call, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        // The library answers false for 304 (already in that state).
        var changed = await CallAsync(operation, container, timeout, call, ct).ConfigureAwait(false);
        return new ContainerActionResult(container, !changed, _time.GetElapsedTime(started));
    }

    /// <summary>
    /// Runs one library call within <paramref name="timeout"/>; daemon errors and transport failures become typed
    /// exceptions naming the host, the endpoint and what we tried.
    /// </summary>
    private async Task<T> CallAsync<T>(string operation, string? container, TimeSpan timeout, Func<DockerClient, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        var client = await GetClientAsync(operation, ct).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var started = _time.GetTimestamp();
        var observed = AiTradingBotTelemetry.StartDockerRequest(HostName, operation);
        var outcome = "error";
        try
        {
            var result = await call(client, cts.Token).ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        catch (DockerApiException ex)
        {
            var code = (int)ex.StatusCode;
            outcome = code == 404 ? "not_found" : "error";
            // A missing container is an ordinary answer the user sees; other errors deserve the operator's attention.
            if (code == 404) LogDaemonNotFound(operation, _time.GetElapsedTime(started).TotalMilliseconds);
            else LogDaemonError(operation, code, _time.GetElapsedTime(started).TotalMilliseconds);
            throw DockerErrorMapper.FromStatus(code, ex.ResponseBody, Target, operation, container);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            outcome = "timeout";
            throw DockerErrorMapper.Timeout(Target, operation, timeout, ex);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ContainerRuntimeException($"Docker at {Target} sent an answer we could not read when asked to {operation} ({ex.Message}).", ex);
        }
        catch (Exception ex) when (IsTransport(ex) && !ct.IsCancellationRequested)
        {
            outcome = "unreachable";
            LogTransportError(Target.ToString(), operation, ex.Message);
            throw DockerErrorMapper.FromTransport(ex, Target, operation);
        }
        finally
        {
            observed.Finish(ct.IsCancellationRequested && outcome == "error" ? "cancelled" : outcome);
        }
    }

    private static bool IsTransport(Exception ex) => ex is HttpRequestException or IOException or SocketException;

    private static SocketError? FindSocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is SocketException se) return se.SocketErrorCode;
        return null;
    }

    private int GraceSeconds(TimeSpan timeout)
    {
        // A non-positive grace period means "the configured one": Podman kills at once without t, a bot needs time to cancel orders.
        if (timeout <= TimeSpan.Zero) return _options.StopTimeoutSeconds;
        return (int)Math.Min(MaxStopSeconds, Math.Ceiling(timeout.TotalSeconds));
    }

    /// <summary>Checks a container name or id before it goes into a URL path.</summary>
    internal static string CheckReference(string? container)
    {
        var c = container?.Trim().TrimStart('/') ?? "";
        if (c.Length is 0 or > 255 || !ContainerReferenceRegex().IsMatch(c))
            throw new ContainerNotFoundException(container ?? "",
                $"'{container}' is not a valid container name or id. Check the system's Container setting (Systems:<name>:Container).");
        return c;
    }

    private static IReadOnlyList<string> CheckArgv(IReadOnlyList<string>? argv)
    {
        if (argv is null || argv.Count == 0 || string.IsNullOrWhiteSpace(argv[0]))
            throw new ContainerRuntimeException("The command is empty: an allowlisted command is an argv such as [\"/app/healthcheck\", \"--json\"].");
        if (argv.Any(a => a is null || a.Contains('\0') || a.Length > 8192))
            throw new ContainerRuntimeException($"The command '{argv[0]}' has an argument that is null, too long or contains a NUL character.");
        return argv;
    }

    private static string EnvEntry(string key, string? value)
    {
        if (string.IsNullOrEmpty(key) || key.Contains('=') || key.Contains('\0') || (value?.Contains('\0') ?? false))
            throw new ContainerRuntimeException($"'{key}' is not a valid environment variable name (no '=', not empty).");
        return key + "=" + value;
    }

    /// <summary>Parses <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c> or <c>on-failure:N</c>.</summary>
    internal static RestartPolicy ParseRestartPolicy(string? policy)
    {
        var p = string.IsNullOrWhiteSpace(policy) ? "no" : policy.Trim().ToLowerInvariant();
        var kind = p switch
        {
            "no" => RestartPolicyKind.No,
            "always" => RestartPolicyKind.Always,
            "unless-stopped" => RestartPolicyKind.UnlessStopped,
            "on-failure" => RestartPolicyKind.OnFailure,
            _ => (RestartPolicyKind?)null,
        };
        if (kind is { } k) return new RestartPolicy { Name = k, MaximumRetryCount = 0 };
        if (p.StartsWith("on-failure:", StringComparison.Ordinal)
            && int.TryParse(p["on-failure:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var retries))
            return new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = retries };
        throw new ContainerRuntimeException($"'{policy}' is not a restart policy: use no, always, unless-stopped, on-failure or on-failure:N.");
    }

    internal static ContainerInfo ToInfo(ContainerInspectResponse? r, string asked)
    {
        var state = r?.State;
        var running = state?.Running ?? false;
        var finished = DockerTime.Parse(state?.FinishedAt);
        var policy = r?.HostConfig?.RestartPolicy;
        var policyName = policy?.Name switch
        {
            RestartPolicyKind.Always => "always",
            RestartPolicyKind.UnlessStopped => "unless-stopped",
            RestartPolicyKind.OnFailure => policy.MaximumRetryCount > 0 ? $"on-failure:{policy.MaximumRetryCount}" : "on-failure",
            _ => "no",
        };
        var health = state?.Health?.Status;
        return new ContainerInfo(
            Name: string.IsNullOrEmpty(r?.Name) ? asked : r.Name.TrimStart('/'),
            Id: r?.ID ?? "",
            State: string.IsNullOrEmpty(state?.Status) ? (running ? "running" : "unknown") : state.Status,
            Running: running,
            Health: string.IsNullOrEmpty(health) ? null : health,
            RestartCount: (int)Math.Clamp(r?.RestartCount ?? 0, 0, int.MaxValue),
            StartedAt: DockerTime.Parse(state?.StartedAt),
            FinishedAt: finished,
            // The exit code is only meaningful once the container has exited at least once.
            ExitCode: finished is null ? null : (int?)state?.ExitCode,
            Tty: r?.Config?.Tty ?? false,
            Image: string.IsNullOrEmpty(r?.Config?.Image) ? null : r.Config.Image,
            Labels: Labels(r?.Config?.Labels),
            RestartPolicy: policyName);
    }

    private static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null ? new Dictionary<string, string>() : labels.ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal);

    /// <summary>Keeps the last value reported, synchronously (<see cref="Progress{T}"/> would post it later).</summary>
    private sealed class LastValue<T> : IProgress<T>
    {
        public T? Value { get; private set; }

        public void Report(T value) => Value = value;
    }

    /// <summary>Hands each reported value to a channel as it arrives.</summary>
    private sealed class ChannelProgress<T>(ChannelWriter<T> writer) : IProgress<T>
    {
        public void Report(T value) => writer.TryWrite(value);
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ContainerReferenceRegex();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ContainerNameRegex();

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker API at {Target}: daemon speaks {Server}, using {Chosen}")]
    private partial void LogNegotiated(string target, string server, string chosen);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker API call to {Operation} answered {Status} after {ElapsedMs:0} ms")]
    private partial void LogDaemonError(string operation, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Docker API call to {Operation} answered 404 after {ElapsedMs:0} ms")]
    private partial void LogDaemonNotFound(string operation, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker at {Target} unreachable while trying to {Operation}: {Error}")]
    private partial void LogTransportError(string target, string operation, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove container {Name} after its start failed: {Error}")]
    private partial void LogLaunchCleanupFailed(string name, string error);
}
