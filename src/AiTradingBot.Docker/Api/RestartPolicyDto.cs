namespace AiTradingBot.Docker.Api;

/// <summary><c>HostConfig.RestartPolicy</c>, read on inspect and sent on create.</summary>
internal sealed class RestartPolicyDto
{
    public string? Name { get; set; }
    public int? MaximumRetryCount { get; set; }
}
