namespace AiTradingBot.Core.Systems;

/// <summary>What a system is for; <c>all</c> means every trading system, never infrastructure.</summary>
public enum SystemRole { Trading, Infrastructure }
