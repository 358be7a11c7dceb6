namespace AiTradingBot.Docker;

/// <summary>The <c>Docker</c> configuration section: where the Engine API is and how patiently to talk to it.</summary>
public sealed class DockerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Docker";

    /// <summary>The local Docker socket used when no endpoint is configured.</summary>
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary><c>unix:///path/to/docker.sock</c> or <c>tcp://host:port</c> (a socket proxy).</summary>
    public string Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Grace period after SIGTERM used when a caller asks for a non-positive stop timeout.</summary>
    public int StopTimeoutSeconds { get; set; } = 20;

    /// <summary>How long one API request may take (stop/restart get their grace period on top).</summary>
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Output kept from an exec; the rest is read and discarded, and the result is marked truncated.</summary>
    public int ExecOutputLimitBytes { get; set; } = 64 * 1024;

    /// <summary>How long an allowlisted command may run.</summary>
    public int ExecTimeoutSeconds { get; set; } = 60;

    /// <summary>Gap between our own two stats samples when the daemon does not fill <c>precpu_stats</c> (Podman).</summary>
    public int StatsSampleMilliseconds { get; set; } = 500;

    /// <summary>Lines read from the end of a log before a grep filter is applied client-side.</summary>
    public int LogGrepScanLines { get; set; } = 5000;

    /// <summary>Pins the API version (e.g. <c>1.41</c>) instead of negotiating it with <c>/_ping</c>.</summary>
    public string? ApiVersion { get; set; }

    /// <summary>
    /// More Docker hosts by name (<c>Docker:Hosts:&lt;name&gt;:Endpoint</c>); <see cref="Endpoint"/> is the host <c>default</c>.
    /// Systems and launch templates say where they live with <c>Host</c>.
    /// </summary>
    public Dictionary<string, DockerHostOptions> Hosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The options one host's client uses: these, with that host's endpoint (and API version when it pins one).</summary>
    public DockerOptions ForHost(DockerHostOptions host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var copy = (DockerOptions)MemberwiseClone();
        copy.Endpoint = host.Endpoint;
        copy.ApiVersion = string.IsNullOrWhiteSpace(host.ApiVersion) ? ApiVersion : host.ApiVersion;
        copy.Hosts = new(StringComparer.OrdinalIgnoreCase);
        return copy;
    }
}

/// <summary>One more Docker host (<c>Docker:Hosts:&lt;name&gt;</c>).</summary>
public sealed class DockerHostOptions
{
    /// <summary><c>unix:///path/to/docker.sock</c> or <c>tcp://host:port</c> (a socket proxy).</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>Pins this host's API version instead of negotiating it.</summary>
    public string? ApiVersion { get; set; }
}
