namespace AiTradingBot.Telegram.Api;

/// <summary>The Bot API envelope: ok and result, or an error code, description and parameters.</summary>
internal sealed record TelegramResponse<T>
{
    public bool Ok { get; init; }
    public T? Result { get; init; }
    public int? ErrorCode { get; init; }
    public string? Description { get; init; }
    public ResponseParameters? Parameters { get; init; }
    // telegram-test-api answers unknown methods with {"message": …} and HTTP 500.
    public string? Message { get; init; }
}

/// <summary>Extra error information: how long to wait after a 429.</summary>
internal sealed record ResponseParameters
{
    public int? RetryAfter { get; init; }
    public long? MigrateToChatId { get; init; }
}
