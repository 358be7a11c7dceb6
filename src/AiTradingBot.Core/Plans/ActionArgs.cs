namespace AiTradingBot.Core.Plans;

/// <summary>Base type of every action's typed arguments; one sealed record per action in <c>Plans/Actions</c>.</summary>
public abstract record ActionArgs;
