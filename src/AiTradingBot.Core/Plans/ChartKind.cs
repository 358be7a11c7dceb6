namespace AiTradingBot.Core.Plans;

/// <summary>What a chart shows: account equity over time, or realized PnL per day.</summary>
public enum ChartKind { Equity, Pnl }
