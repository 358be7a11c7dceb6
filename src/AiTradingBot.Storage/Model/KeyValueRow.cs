namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>kv</c>: small durable settings such as the Telegram update offset.</summary>
internal sealed class KeyValueRow
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}
