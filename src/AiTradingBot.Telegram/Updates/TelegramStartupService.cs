using AiTradingBot.Telegram.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace AiTradingBot.Telegram.Updates;

/// <summary>
/// At start, in the background (never delaying the host): checks the token with getMe, publishes the command menu,
/// and sets the webhook (webhook mode) or removes it (polling mode, where a webhook would block getUpdates).
/// Retries with backoff while Telegram is unreachable.
/// </summary>
public sealed class TelegramStartupService(
    TelegramApi api,
    TelegramBotIdentity identity,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<TelegramStartupService> logger) : BackgroundService
{
    private readonly TelegramOptions _options = options.Value;

    /// <summary>Completes when start-up calls succeeded (tests wait on it).</summary>
    public Task Ready => _ready.Task;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await RetryAsync("getMe", async ct =>
            {
                var me = await api.CallAsync("getMe", null, TelegramCallKind.Idempotent, (bot, token) => bot.GetMe(token), ct).ConfigureAwait(false);
                identity.Username = me.Username;
                logger.LogInformation("Telegram bot @{Username} ({BotId}) in {Mode} mode", me.Username, me.Id, _options.Mode);
            }, stoppingToken).ConfigureAwait(false);

            if (_options.SetCommands)
            {
                try
                {
                    var commands = BotCommandMenu.Build();
                    await api.CallAsync("setMyCommands", null, TelegramCallKind.Idempotent,
                        (bot, token) => bot.SetMyCommands(commands, cancellationToken: token), stoppingToken).ConfigureAwait(false);
                    logger.LogInformation("Published {Count} commands to the Telegram menu", commands.Count);
                }
                catch (TelegramApiException e)
                {
                    logger.LogWarning("Publishing the command menu failed: {Error}", e.Message);
                }
            }

            if (_options.Mode == TelegramMode.Webhook)
                await RetryAsync("setWebhook", ct => api.CallAsync("setWebhook", null, TelegramCallKind.Idempotent,
                    (bot, token) => bot.SetWebhook(_options.WebhookUrl!, allowedUpdates: TelegramPollingService.AllowedUpdates, secretToken: _options.WebhookSecret, cancellationToken: token), ct),
                    stoppingToken).ConfigureAwait(false);
            else
                await RetryAsync("deleteWebhook", ct => api.CallAsync("deleteWebhook", null, TelegramCallKind.Idempotent,
                    (bot, token) => bot.DeleteWebhook(false, token), ct), stoppingToken).ConfigureAwait(false);
            _ready.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _ready.TrySetCanceled(stoppingToken);
        }
    }

    private async Task RetryAsync(string what, Func<CancellationToken, Task> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call(ct).ConfigureAwait(false);
                return;
            }
            catch (TelegramApiException e)
            {
                var wait = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(attempt, 8))));
                logger.LogWarning("Telegram {Call} failed ({Error}); trying again in {Wait}", what, e.Message, wait);
                if (e.ErrorCode == 401) logger.LogError("Telegram rejected the bot token (401): check Telegram:BotToken");
                await Task.Delay(wait, time, ct).ConfigureAwait(false);
            }
        }
    }
}
