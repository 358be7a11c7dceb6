namespace AiTradingBot.Docker.Api;

/// <summary>Body of <c>POST /containers/{id}/exec</c>: an argv, never a shell string.</summary>
internal sealed record ExecCreateRequest(IReadOnlyList<string> Cmd)
{
    public bool AttachStdin => false;
    public bool AttachStdout => true;
    public bool AttachStderr => true;
    public bool Tty => false;
    public bool Privileged => false;
}
