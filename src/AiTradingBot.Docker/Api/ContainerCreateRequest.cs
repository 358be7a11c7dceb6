namespace AiTradingBot.Docker.Api;

/// <summary>Body of <c>POST /containers/create</c> for a launch: no privileges, binds, host network or host PID namespace.</summary>
internal sealed class ContainerCreateRequest
{
    public required string Image { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public required IReadOnlyList<string> Env { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public int StopTimeout { get; init; }
    public bool Tty => false;
    public bool AttachStdin => false;
    public bool OpenStdin => false;
    public required CreateHostConfig HostConfig { get; init; }

    /// <summary><c>HostConfig</c>: everything that could reach the host is left off or set explicitly safe.</summary>
    internal sealed class CreateHostConfig
    {
        public required RestartPolicyDto RestartPolicy { get; init; }
        public bool Privileged => false;
        public IReadOnlyList<string> Binds => [];
        public bool PublishAllPorts => false;
        public IReadOnlyList<string> SecurityOpt => ["no-new-privileges"];
    }
}
