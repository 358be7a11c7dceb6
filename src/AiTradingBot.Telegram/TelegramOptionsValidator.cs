using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram;

/// <summary>Checks <see cref="TelegramOptions"/> at start with messages that say what to fix (never echoing the token).</summary>
public sealed partial class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TelegramOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.BotToken))
            errors.Add("Telegram:BotToken is empty: create a bot with @BotFather and put its token in Telegram:BotToken (or TELEGRAM__BOTTOKEN).");
        else if (!TokenShape().IsMatch(o.BotToken))
            errors.Add("Telegram:BotToken does not look like a BotFather token (digits, a colon, then letters, digits, '_' or '-').");

        if (o.AdminIds.Count == 0)
            errors.Add("Telegram:AdminIds is empty: nobody could use the bot. Add your Telegram USER id (ask @userinfobot).");
        foreach (var id in o.AdminIds.Concat(o.ViewerIds).Where(id => id <= 0).Distinct())
            errors.Add($"Telegram:AdminIds/ViewerIds holds {id}: that is a group or channel CHAT id; authorization needs USER ids (positive numbers).");
        foreach (var id in o.AdminIds.Intersect(o.ViewerIds))
            errors.Add($"Telegram user {id} is in both AdminIds and ViewerIds; keep it in one.");

        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
            errors.Add("Telegram:ApiBaseUrl must be an absolute http(s) URL, e.g. https://api.telegram.org.");

        if (o.Mode == TelegramMode.Webhook)
        {
            if (!Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var hook))
                errors.Add("Telegram:WebhookUrl is required in webhook mode: the public HTTPS URL of this host's webhook path.");
            else if (hook.Scheme != Uri.UriSchemeHttps && !hook.IsLoopback)
                errors.Add("Telegram:WebhookUrl must use https (Telegram only posts to HTTPS).");
            if (string.IsNullOrEmpty(o.WebhookSecret) || !SecretShape().IsMatch(o.WebhookSecret))
                errors.Add("Telegram:WebhookSecret is required in webhook mode: 1-256 characters of A-Z, a-z, 0-9, '_' or '-'.");
            if (!o.WebhookPath.StartsWith('/'))
                errors.Add("Telegram:WebhookPath must start with '/'.");
        }

        if (o.LogDocumentThresholdLines < 1) errors.Add("Telegram:LogDocumentThresholdLines must be at least 1.");
        if (o.PollTimeoutSeconds is < 0 or > 50) errors.Add("Telegram:PollTimeoutSeconds must be between 0 and 50.");
        if (o.PollIdleDelay < TimeSpan.Zero) errors.Add("Telegram:PollIdleDelay must not be negative.");
        if (o.PollLeaseTtl < TimeSpan.FromSeconds(3)) errors.Add("Telegram:PollLeaseTtl must be at least 00:00:03.");
        if (o.MaxUpdateAge <= TimeSpan.Zero) errors.Add("Telegram:MaxUpdateAge must be positive.");
        if (o.MaxMessagesPerSecondPerChat < 0 || o.MaxMessagesPerSecond < 0) errors.Add("Telegram:MaxMessagesPerSecond(PerChat) must not be negative (0 disables pacing).");
        if (o.MaxConcurrentChats is < 1 or > 256) errors.Add("Telegram:MaxConcurrentChats must be between 1 and 256.");
        if (o.MaxRetries is < 0 or > 10) errors.Add("Telegram:MaxRetries must be between 0 and 10.");
        if (o.RetryBaseDelay < TimeSpan.Zero) errors.Add("Telegram:RetryBaseDelay must not be negative.");
        if (o.RequestTimeout <= TimeSpan.Zero) errors.Add("Telegram:RequestTimeout must be positive.");
        if (o.NotificationQueueCapacity < 1) errors.Add("Telegram:NotificationQueueCapacity must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[0-9]+:[A-Za-z0-9_-]+$")]
    private static partial Regex TokenShape();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SecretShape();
}
