using System.Text.Json;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Llm.Context;

/// <summary>
/// The last turns of each conversation — one user in one chat (<see cref="Core.Conversation.ConversationKey"/>) — kept in
/// <see cref="IKeyValueStore"/> under <c>llm:ctx:{key}</c> (shared by every instance), bounded by count and by an
/// approximate token budget, so "and restart it" resolves, and never from another group member's messages.
/// </summary>
public sealed class ConversationMemory(IKeyValueStore store, LlmOptions options, TimeProvider time, ILogger<ConversationMemory> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The key a chat's context is stored under.</summary>
    public static string KeyFor(string chatKey) => $"llm:ctx:{chatKey}";

    /// <summary>Approximate tokens of a text (4 characters per token).</summary>
    public static int Tokens(string text) => (text.Length + 3) / 4;

    /// <summary>Remembered turns, oldest first; empty when none or unreadable.</summary>
    public async Task<IReadOnlyList<ContextTurn>> LoadAsync(string? chatKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(chatKey) || options.MaxContextTurns == 0) return [];
        var json = await store.GetAsync(KeyFor(chatKey), ct).ConfigureAwait(false);
        if (json is null) return [];
        try
        {
            return JsonSerializer.Deserialize<List<ContextTurn>>(json, Json) ?? [];
        }
        catch (JsonException e)
        {
            // Context is a convenience: a corrupt entry is dropped, never a reason to fail the message.
            logger.LogWarning(e, "Dropping unreadable LLM context for chat {ChatKey}", chatKey);
            return [];
        }
    }

    /// <summary>Appends a turn and trims the oldest ones to the configured count and token budget.</summary>
    public async Task RecordAsync(string? chatKey, IReadOnlyList<ContextTurn> previous, ContextTurn turn, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(chatKey) || options.MaxContextTurns == 0) return;
        var turns = Trim(previous.Append(turn).ToList(), options.MaxContextTurns, options.MaxContextTokens);
        await store.SetAsync(KeyFor(chatKey), JsonSerializer.Serialize(turns, Json), TimeSpan.FromMinutes(options.ContextTtlMinutes), ct).ConfigureAwait(false);
    }

    /// <summary>Keeps the newest turns that fit both bounds (the newest one always stays, cut if needed).</summary>
    public static List<ContextTurn> Trim(List<ContextTurn> turns, int maxTurns, int maxTokens)
    {
        var kept = new List<ContextTurn>();
        var budget = maxTokens;
        for (var i = turns.Count - 1; i >= 0 && kept.Count < maxTurns; i--)
        {
            var t = turns[i];
            var cost = Tokens(t.User) + Tokens(t.Outcome) + 4;
            if (cost > budget)
            {
                if (kept.Count == 0)
                {
                    var chars = Math.Max(0, budget * 4 / 2);
                    kept.Add(t with { User = Cut(t.User, chars), Outcome = Cut(t.Outcome, chars) });
                }
                break;
            }
            budget -= cost;
            kept.Add(t);
        }
        kept.Reverse();
        return kept;
    }

    /// <summary>A turn for a plan: its one-line summary and the systems and symbols its steps name.</summary>
    public ContextTurn TurnFor(string userText, Plan plan) => new(
        Cut(userText, 500),
        Summarize(plan),
        plan.Steps.SelectMany(s => Values(s, system: true)).Distinct(StringComparer.Ordinal).ToList(),
        plan.Steps.SelectMany(s => Values(s, system: false)).Distinct(StringComparer.Ordinal).ToList(),
        time.GetUtcNow());

    /// <summary>One line: <c>plan: system.stop {"system":"alpha"}</c>, <c>asked: ...</c> or <c>no action</c>.</summary>
    public static string Summarize(Plan plan) => plan.Kind switch
    {
        PlanKind.Plan => "proposed: " + string.Join("; ", plan.Steps.Select(s => $"{s.Action} {PlanJson.StepsNode([s])[0]!["args"]!.ToJsonString(PlanJson.Options)}")),
        PlanKind.Clarify => "asked the user: " + Cut(plan.Clarify ?? "", 200),
        _ => "no action",
    };

    private static IEnumerable<string> Values(PlanStep step, bool system)
    {
        foreach (var p in step.Descriptor.Parameters.Where(p => system ? p.IsSystem : p.IsSymbol))
            if (step.Args.GetType().GetProperty(p.ClrName)?.GetValue(step.Args) is string v && v != SystemRegistry.All)
                yield return v;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
