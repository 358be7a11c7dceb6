namespace AiTradingBot.Core.Language;

/// <summary>What one clause of a message asks for (before its arguments are read).</summary>
internal enum Intent
{
    /// <summary>No intent word found.</summary>
    Unknown,
    /// <summary>Greeting, thanks, never mind.</summary>
    Chat,
    /// <summary>A message that needs a question back (set with <see cref="Clause.Question"/>).</summary>
    Clarify,
    /// <summary>Nothing to do, with <see cref="Clause.Reason"/>.</summary>
    Nothing,
    Status, Diagnostics, Logs, Start, Stop, Restart, Exec, Killswitch, Resume,
    Order, Close, Cancel, OrderList, Balance, Positions, Pnl, Trades, Price,
    ReportSend, ReportSchedule, ReportList, ReportCancel, Help,
}
