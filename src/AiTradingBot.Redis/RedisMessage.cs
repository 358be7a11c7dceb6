namespace AiTradingBot.Redis;

/// <summary>One pub/sub delivery: the channel it was published on and its payload.</summary>
public sealed record RedisMessage(string Channel, string Message);
