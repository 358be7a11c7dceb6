namespace AiTradingBot.Core.Plans;

/// <summary>Order side.</summary>
public enum OrderSide { Buy, Sell }

/// <summary>Order type; conditional orders are market or limit orders with a trigger.</summary>
public enum OrderType { Market, Limit }

/// <summary>Bybit product category.</summary>
public enum OrderCategory { Linear, Spot }

/// <summary>Which way the price must cross the trigger price.</summary>
public enum TriggerDirection { Above, Below }

/// <summary>Reporting period for PnL.</summary>
public enum PnlPeriod { Today, Yesterday, Week, Month, All }

/// <summary>Kinds of report.</summary>
public enum ReportKind { Daily, Sitrep, Pnl }
