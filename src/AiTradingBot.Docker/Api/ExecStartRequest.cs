namespace AiTradingBot.Docker.Api;

/// <summary>Body of <c>POST /exec/{id}/start</c>: attached, no TTY, so output comes multiplexed.</summary>
internal sealed record ExecStartRequest
{
    public bool Detach => false;
    public bool Tty => false;
}
