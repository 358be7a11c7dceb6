using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiTradingBot.Core.Audit;

namespace AiTradingBot.Core.Trading;

/// <summary>
/// An execution the fill store could not accept, kept in the dead-letter table instead of stopping its batch.
/// <see cref="Kind"/> is a short stable code (a metric label, the grouping of the admins' notice); <see cref="Reason"/>
/// says what is wrong in words; <see cref="RawEvent"/> is the execution as the fills path received it, secrets masked.
/// </summary>
public sealed record DeadLetteredExecution(string? ExecId, string Kind, string Reason, string RawEvent);

/// <summary>What makes an execution unfit for the fills table, and how a rejected one is recorded.</summary>
public static class ExecutionDefects
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The first defect of an execution as (kind, reason), or null when it can be stored.</summary>
    public static (string Kind, string Reason)? Find(ExecutionReport? e)
    {
        if (e is null) return ("empty", "The execution is empty.");
        var id = string.IsNullOrWhiteSpace(e.ExecId) ? "(no exec id)" : e.ExecId;
        if (string.IsNullOrWhiteSpace(e.ExecId)) return ("missing_exec_id", "The execution has no exec id.");
        if (string.IsNullOrWhiteSpace(e.Symbol)) return ("missing_symbol", $"Execution {id} has no symbol.");
        if (!Enum.IsDefined(e.Side)) return ("missing_side", $"Execution {id} has no side (Buy or Sell).");
        if (!Enum.IsDefined(e.Category)) return ("missing_category", $"Execution {id} has no category (Spot or Linear).");
        if (string.IsNullOrWhiteSpace(e.BotId)) return ("missing_bot", $"Execution {id} has no bot id.");
        if (e.OrderId is null) return ("missing_order_id", $"Execution {id} has no order id.");
        if (e.FeeCurrency is null) return ("missing_fee_currency", $"Execution {id} has no fee currency.");
        if (e.Price <= 0) return ("bad_price", $"Execution {id} has price {e.Price}; it must be positive (a missing or unparsable price reads as 0).");
        if (e.Qty <= 0) return ("bad_qty", $"Execution {id} has quantity {e.Qty}; it must be positive (a missing or unparsable quantity reads as 0).");
        return null;
    }

    /// <summary>The dead letter for a defective execution: its raw form as received, with configured secrets masked.</summary>
    public static DeadLetteredExecution DeadLetter(ExecutionReport? e, string kind, string reason, SecretRedactor? redactor)
    {
        var raw = e is null ? "null" : JsonSerializer.Serialize(e, Json);
        if (redactor is not null) { raw = redactor.Redact(raw); reason = redactor.Redact(reason); }
        var execId = string.IsNullOrWhiteSpace(e?.ExecId) ? null : e.ExecId;
        return new DeadLetteredExecution(execId, kind, reason, raw);
    }

    /// <summary>
    /// What makes two deliveries the same dead letter: the exec id when there is one (a redelivery of a bad execution
    /// is one dead letter, noticed once), otherwise a hash of the raw event.
    /// </summary>
    public static string DedupeKey(DeadLetteredExecution d) =>
        d.ExecId is { } id ? "exec:" + id : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(d.RawEvent)));
}
