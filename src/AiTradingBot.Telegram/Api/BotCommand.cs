namespace AiTradingBot.Telegram.Api;

/// <summary>One entry of the bot's command menu (setMyCommands).</summary>
public sealed record BotCommand(string Command, string Description);
