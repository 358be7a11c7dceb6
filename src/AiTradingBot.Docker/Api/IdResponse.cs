namespace AiTradingBot.Docker.Api;

/// <summary>The <c>{"Id": ...}</c> answer of container create and exec create.</summary>
internal sealed class IdResponse
{
    public string? Id { get; set; }
    public List<string>? Warnings { get; set; }
}
