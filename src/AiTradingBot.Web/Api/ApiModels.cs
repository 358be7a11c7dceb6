using System.Text.Json;
using System.Text.Json.Serialization;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Web.Api;

/// <summary><c>POST /api/v1/commands</c> body.</summary>
public sealed record CommandRequest(string? Text);

/// <summary>A line of a confirmation card.</summary>
public sealed record CardLineDto(string Action, string Text, bool Gated, decimal? EstimatedNotional);

/// <summary>A confirmation card as the API shows it (rendered from typed steps, like Telegram's).</summary>
public sealed record CardDto(string Id, IReadOnlyList<CardLineDto> Lines, string Mode, decimal? EstimatedNotional, IReadOnlyList<string> Warnings, DateTimeOffset ExpiresAt, string Text);

/// <summary>One executed step.</summary>
public sealed record StepDto(string Action, string Status, string? Error, string Text, JsonElement? Result);

/// <summary>What the pipeline did with a command or confirmation.</summary>
public sealed record CommandResponse(
    string Decision,
    JsonElement? Plan,
    string? ConfirmationId,
    CardDto? Card,
    IReadOnlyList<StepDto>? Results,
    IReadOnlyList<string> Messages,
    IReadOnlyList<string> Warnings,
    string Mode);

/// <summary>A system row.</summary>
public sealed record SystemDto(string Name, string Container, string Role, string? Host, string State, bool Running, double? UptimeSeconds, string? Health,
    int? RestartCount, double? CpuPercent, long? MemoryUsedBytes, long? MemoryLimitBytes, string? Error);

/// <summary>A log line (text only).</summary>
public sealed record LogLineDto(string Stream, string Text, DateTimeOffset? Timestamp);

/// <summary>Logs of a system.</summary>
public sealed record LogsDto(string System, string Container, IReadOnlyList<LogLineDto> Lines);

/// <summary>The portfolio in one look.</summary>
public sealed record PortfolioSummaryDto(string Mode, bool DemoSystems, decimal Equity, decimal AvailableBalance, decimal UnrealizedPnl,
    IReadOnlyList<BalanceDto> Balances, int OpenPositions, decimal TodayNetPnl, decimal TodayFees, bool Halted);

/// <summary>One coin balance.</summary>
public sealed record BalanceDto(string Coin, decimal WalletBalance, decimal Available, decimal UsdValue);

/// <summary>A new dashboard link.</summary>
public sealed record LoginLinkDto(string Url, DateTimeOffset ExpiresAt);

/// <summary>Maps typed replies to the API's JSON.</summary>
public static class ApiMapping
{
    /// <summary>camelCase, enums as strings: the API's JSON.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>The decision word of the spec.</summary>
    public static string Decision(ReplyKind kind) => kind switch
    {
        ReplyKind.Done => "done",
        ReplyKind.AwaitingConfirmation => "awaiting",
        ReplyKind.Refused or ReplyKind.AccessDenied => "refused",
        ReplyKind.Clarify => "clarify",
        ReplyKind.Cancelled => "cancelled",
        ReplyKind.Expired => "expired",
        ReplyKind.AlreadyHandled => "already-handled",
        ReplyKind.NotYours => "not-yours",
        ReplyKind.Error => "error",
        _ => "none",
    };

    /// <summary>
    /// The response for a reply; every string passes the one secret redactor (<see cref="WebText"/>). The sign-in link
    /// of a /web reply stays usable: this reply goes only to the user who asked for it.
    /// </summary>
    public static CommandResponse ToResponse(AssistantReply reply, WebText text)
    {
        var messages = reply.Messages.ToList();
        if (reply is { Kind: ReplyKind.Clarify, Plan.Clarify: { } q }) messages.Add(q);
        return new CommandResponse(
            Decision(reply.Kind),
            reply.Plan is null ? null : JsonDocument.Parse(text.Mask(PlanJson.Serialize(reply.Plan))).RootElement.Clone(),
            reply.Card?.Id,
            reply.Card is null ? null : ToCard(reply.Card, text),
            reply.Outcome?.Steps.Select(s => ToStep(s, text)).ToList(),
            messages.Select(text.Mask).ToList(),
            reply.Warnings.Select(text.Mask).ToList(),
            reply.ModeLabel);
    }

    /// <summary>The card.</summary>
    public static CardDto ToCard(ConfirmationCard card, WebText text) =>
        new(card.Id, card.Lines.Select(l => new CardLineDto(l.Action, text.Mask(l.Text), l.Gated, l.EstimatedNotional)).ToList(), card.ModeLabel,
            card.EstimatedNotional, card.Warnings.Select(text.Mask).ToList(), card.ExpiresAt, text.Card(card));

    /// <summary>One step: status, the rendered text, and the typed result when it serializes (masked).</summary>
    public static StepDto ToStep(StepOutcome s, WebText text)
    {
        JsonElement? result = null;
        if (s.Result is { } r)
        {
            try { result = JsonDocument.Parse(text.MaskFor(r, JsonSerializer.Serialize(r, r.GetType(), Json))).RootElement.Clone(); }
            catch (NotSupportedException) { result = null; } // e.g. help carries CLR types; its text says it all
        }
        var rendered = s.Result is { } res ? text.Result(res) : text.Mask(s.Error);
        return new StepDto(s.Step.Action, s.Status.ToString().ToLowerInvariant(), s.Error is null ? null : text.Mask(s.Error), rendered, result);
    }

    /// <summary>A system row: the host it runs on (the core names one only when several are configured), errors masked.</summary>
    public static SystemDto ToSystem(SystemReport r, WebText text) =>
        new(r.System, r.Container, r.Role.ToString().ToLowerInvariant(), r.Host ?? AiTradingBot.Core.Containers.ContainerHosts.Default, r.State, r.Running, r.Uptime?.TotalSeconds, r.Health, r.RestartCount,
            r.CpuPercent is { } c ? Math.Round(c, 2) : null, r.MemoryUsedBytes, r.MemoryLimitBytes, r.Error is null ? null : text.Mask(r.Error));
}
