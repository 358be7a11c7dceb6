namespace AiTradingBot.Docker.Api;

/// <summary>The parts of <c>GET /exec/{id}/json</c> we read.</summary>
internal sealed class ExecInspectResponse
{
    public bool? Running { get; set; }
    public int? ExitCode { get; set; }
}
