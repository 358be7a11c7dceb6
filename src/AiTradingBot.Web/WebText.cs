using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Web;

/// <summary>
/// Every text the web channel shows or returns passes here, through the one <see cref="SecretRedactor"/>: replies,
/// cards and step results through <see cref="ReplyRenderer"/> (as Telegram and the console do), log lines, audit
/// rows and error messages through the redactor itself. A dashboard sign-in link survives only in the reply to the
/// user who asked for it with /web; everywhere else its token is masked.
/// </summary>
public sealed class WebText(SecretRedactor redactor, TimeProvider time)
{
    private readonly ReplyRenderer _plain = new(PlainMarkup.Instance, time, redactor);

    /// <summary>The redactor behind it.</summary>
    public SecretRedactor Redactor => redactor;

    /// <summary>A whole reply as plain text (keeps the sign-in link of the asker's own /web reply).</summary>
    public string Reply(AssistantReply reply) => _plain.Render(reply);

    /// <summary>What ran, as plain text.</summary>
    public string Outcome(PlanOutcome outcome) => _plain.RenderOutcome(outcome);

    /// <summary>A card as plain text.</summary>
    public string Card(ConfirmationCard card) => _plain.RenderCard(card);

    /// <summary>One step result as plain text.</summary>
    public string Result(StepResult result) => _plain.RenderResult(result);

    /// <summary>Any other text: a log line, a message, an error.</summary>
    public string Mask(string? text) => text is null ? "" : redactor.Redact(text);

    /// <summary>Text that belongs to one typed result (its JSON, its URL): the asker's own sign-in link stays usable.</summary>
    public string MaskFor(StepResult? result, string text) => redactor.Redact(text, keepSignInLinks: result is DashboardLinkResult);

    /// <summary>An audit row with every free-text field masked (rows are masked when written; this holds for older rows too).</summary>
    public AuditRecord Audit(AuditRecord r) => r with
    {
        UserName = r.UserName is null ? null : Mask(r.UserName),
        Text = Mask(r.Text),
        PlanJson = r.PlanJson is null ? null : Mask(r.PlanJson),
        Reasons = r.Reasons.Select(Mask).ToList(),
        Steps = r.Steps.Select(s => s with { Detail = s.Detail is null ? null : Mask(s.Detail) }).ToList(),
    };
}
