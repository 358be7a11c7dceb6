namespace AiTradingBot.Docker.Api;

/// <summary>One entry of <c>GET /containers/json</c>.</summary>
internal sealed class ContainerListItem
{
    public string? Id { get; set; }
    public List<string>? Names { get; set; }
    public string? Image { get; set; }
    public string? State { get; set; }
    public string? Status { get; set; }
    public Dictionary<string, string?>? Labels { get; set; }
}
