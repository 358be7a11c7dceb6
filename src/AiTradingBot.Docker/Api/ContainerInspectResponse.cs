namespace AiTradingBot.Docker.Api;

/// <summary>The parts of <c>GET /containers/{id}/json</c> we read; every member is optional.</summary>
internal sealed class ContainerInspectResponse
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public int? RestartCount { get; set; }
    public InspectState? State { get; set; }
    public InspectConfig? Config { get; set; }
    public InspectHostConfig? HostConfig { get; set; }

    /// <summary><c>State</c>.</summary>
    internal sealed class InspectState
    {
        public string? Status { get; set; }
        public bool? Running { get; set; }
        public int? ExitCode { get; set; }
        public string? StartedAt { get; set; }
        public string? FinishedAt { get; set; }
        public InspectHealth? Health { get; set; }
    }

    /// <summary><c>State.Health</c>.</summary>
    internal sealed class InspectHealth
    {
        public string? Status { get; set; }
    }

    /// <summary><c>Config</c>.</summary>
    internal sealed class InspectConfig
    {
        public string? Image { get; set; }
        public bool? Tty { get; set; }
        public Dictionary<string, string?>? Labels { get; set; }
    }

    /// <summary><c>HostConfig</c>.</summary>
    internal sealed class InspectHostConfig
    {
        public RestartPolicyDto? RestartPolicy { get; set; }
    }
}
