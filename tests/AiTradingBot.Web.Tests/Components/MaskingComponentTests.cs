using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Web.Components.Shared;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Web.Tests.Components;

/// <summary>
/// Configured secrets (an API secret, a connection-string password, a *Token key) echoed into what a page renders —
/// a card, an audit row, a log-read error — show masked: every page text goes through the one redactor.
/// </summary>
public sealed class MaskingComponentTests() : MudContext(Redactor)
{
    internal const string ApiSecret = "bybit-secret-9f8e7d6c5b4a";
    internal const string DbPassword = "pg-pass-7731xqz";
    internal const string BotToken = "123456:tg-token-ABCDEFxyz";

    internal static SecretRedactor Redactor { get; } = SecretRedactor.FromConfiguration(new Dictionary<string, string?>
    {
        ["Bybit:ApiSecret"] = ApiSecret,
        ["ConnectionStrings:Postgres"] = $"Host=db;Username=atb;Password={DbPassword}",
        ["Telegram:BotToken"] = BotToken,
        ["Systems:alpha:Container"] = "alpha-container",
    });

    private static readonly string[] Secrets = [ApiSecret, DbPassword, BotToken];

    private static void AssertMasked(string markup)
    {
        foreach (var s in Secrets) Assert.DoesNotContain(s, markup);
        Assert.Contains("***", markup);
    }

    [Fact]
    public void A_card_with_a_secret_in_its_step_and_warning_shows_it_masked()
    {
        var card = new ConfirmationCard("K7Q2M9XA", [new PlanStep(new SystemRestartArgs("alpha"))],
            [new CardLine("system.restart", $"REBOOT alpha with {ApiSecret}", true, null)], "PAPER", null, [$"db {DbPassword} token {BotToken}"], DateTimeOffset.UtcNow.AddMinutes(2));
        var cut = Render<ConfirmationCardView>(p => p.Add(c => c.Card, card).Add(c => c.CanConfirm, true));

        AssertMasked(cut.Markup);
        Assert.Contains("REBOOT alpha with ***", cut.Find("ol.steps li").TextContent);
    }

    [Fact]
    public void Audit_rows_with_secrets_show_them_masked()
    {
        var row = new AuditRecord(DateTimeOffset.UtcNow, "web", "ops", $"name {BotToken}", "ops", $"price {ApiSecret}", $"{{\"x\":\"{DbPassword}\"}}",
            AuditDecision.Refused, [$"reason {DbPassword}"], [new AuditStep("market.price", "failed", $"detail {ApiSecret}")], null, "PAPER");
        Services.AddSingleton<IAuditLog>(new OneRowAudit(row));
        var cut = Render<AiTradingBot.Web.Components.Pages.Audit>();

        AssertMasked(cut.Markup);
        Assert.Contains("price ***", cut.Find("[data-testid=audit-text]").TextContent);
        Assert.Contains("detail ***", cut.Find("[data-testid=audit-result]").TextContent);
    }

    [Fact]
    public void A_log_read_error_quoting_a_secret_shows_it_masked()
    {
        var cut = Render<LogViewer>(p => p.Add(c => c.System, "alpha")
            .Add(c => c.Load, (_, _) => throw new WebRequestException(502, [$"docker said {BotToken} / {DbPassword}"])));

        AssertMasked(cut.Find(".error").TextContent);
    }

    private sealed class OneRowAudit(AuditRecord row) : IAuditLog
    {
        public Task AppendAsync(AuditRecord record, CancellationToken ct) => Task.CompletedTask;

        public Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken ct) => Task.FromResult<IReadOnlyList<AuditRecord>>([row]);
    }
}
