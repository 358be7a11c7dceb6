using System.Globalization;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace AiTradingBot.Telegram.Updates;

/// <summary>
/// Long polling for <c>run</c> (Telegram:Mode=polling). One instance polls: it holds a lease in the shared store and
/// renews it. The next offset is stored after each batch (durable key <c>telegram:offset:{botId}</c>), so a restart
/// neither loses nor repeats updates. Telegram being unreachable only delays polling; it never stops the host.
/// Update ids below the stored offset are accepted, not dropped: Telegram numbers again from a random id after a
/// week without updates (a Bot API server or emulator restart does the same), and dropping them would leave the bot
/// deaf for good.
/// </summary>
public sealed class TelegramPollingService(
    TelegramApi api,
    TelegramUpdateProcessor processor,
    IKeyValueStore store,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<TelegramPollingService> logger) : BackgroundService
{
    /// <summary>Update kinds the bot asks for.</summary>
    public static readonly IReadOnlyList<UpdateType> AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];

    /// <summary>Most updates asked for in one getUpdates (Telegram's maximum).</summary>
    public const int BatchLimit = 100;

    private static readonly TimeSpan HandlingGrace = TimeSpan.FromSeconds(15);
    private readonly TelegramOptions _options = options.Value;
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private volatile bool _leaseHeld;

    /// <summary>Store key of the next offset.</summary>
    public string OffsetKey => $"telegram:offset:{_options.BotId}";

    /// <summary>Store key of the poll lease.</summary>
    public string LeaseKey => $"telegram:poll-lease:{_options.BotId}";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        // In-flight updates get a grace period to finish when the host stops, so a stop rarely interrupts one.
        using var handling = new CancellationTokenSource();
        using var registration = stoppingToken.Register(() => handling.CancelAfter(HandlingGrace));
        using var leaseLoop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renew = RenewLeaseLoopAsync(leaseLoop.Token);
        var failures = 0;
        var waitingLogged = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Renewed (atomically, only while still ours) right before each getUpdates: a lease lost while this
                // instance was paused or cut off from the store is noticed before it polls again.
                if (!await HoldLeaseAsync(stoppingToken).ConfigureAwait(false))
                {
                    if (!waitingLogged) logger.LogInformation("Another instance holds the Telegram poll lease; this one waits");
                    waitingLogged = true;
                    await Task.Delay(_options.PollLeaseTtl / 3, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                waitingLogged = false;

                var offset = await ReadOffsetAsync(stoppingToken).ConfigureAwait(false);
                var started = time.GetTimestamp();
                Update[] updates;
                try
                {
                    updates = await api.CallAsync("getUpdates", null, TelegramCallKind.Idempotent,
                        (bot, token) => bot.GetUpdates(offset is { } o ? checked((int)o) : null, BatchLimit, _options.PollTimeoutSeconds, AllowedUpdates, token),
                        stoppingToken, TimeSpan.FromSeconds(_options.PollTimeoutSeconds)).ConfigureAwait(false);
                    failures = 0;
                }
                catch (TelegramApiException e)
                {
                    failures++;
                    var wait = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(failures, 6))));
                    logger.LogWarning("Telegram getUpdates failed ({Error}); polling again in {Wait}", e.Message, wait);
                    if (e.ErrorCode == 401) logger.LogError("Telegram rejected the bot token (401): check Telegram:BotToken");
                    if (e.ErrorCode == 409) logger.LogError("Telegram reports a conflict (409): a webhook is set or another process polls with this token");
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                if (updates.Length == 0)
                {
                    if (time.GetElapsedTime(started) < _options.PollIdleDelay)
                        await Task.Delay(_options.PollIdleDelay, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                long next;
                if (offset is { } stored && updates.Any(u => u.Id < stored))
                {
                    // Telegram numbers again from a new (random, possibly lower) id: accept the batch, start a fresh
                    // ledger so reused ids are not mistaken for updates handled before, and follow the new numbering.
                    var restarted = updates.Where(u => u.Id < stored).ToList();
                    logger.LogWarning("Telegram sent update ids {First}..{Last}, below the stored offset {Offset}: the numbering restarted. Accepting them and following the new numbering",
                        restarted.Min(u => u.Id), restarted.Max(u => u.Id), stored);
                    await processor.BeginNewNumberingAsync(stoppingToken).ConfigureAwait(false);
                    next = restarted.Max(u => u.Id) + 1L;
                }
                else
                {
                    next = updates.Max(u => u.Id) + 1L;
                }
                await processor.ProcessBatchAsync(updates, handling.Token).ConfigureAwait(false);
                await store.SetAsync(OffsetKey, next.ToString(CultureInfo.InvariantCulture), null, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await leaseLoop.CancelAsync().ConfigureAwait(false);
            try { await renew.ConfigureAwait(false); } catch (OperationCanceledException) { }
            await ReleaseLeaseAsync().ConfigureAwait(false);
        }
    }

    private async Task<long?> ReadOffsetAsync(CancellationToken ct)
    {
        var saved = await store.GetAsync(OffsetKey, ct).ConfigureAwait(false);
        if (saved is null) return null;
        // Update ids are 32-bit; anything else in the store is not an offset Telegram could have given.
        if (long.TryParse(saved, NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset) && offset is >= 0 and <= int.MaxValue) return offset;
        logger.LogWarning("Ignoring the stored Telegram offset {Offset}: not an update id; polling from the oldest pending update", saved);
        return null;
    }

    // Acquire or renew, each one atomic step in the store: set-if-absent, or extend only while the value is ours
    // (RenewIfValueAsync: a Lua script on Redis), so two instances can never both believe they hold the lease.
    private async Task<bool> HoldLeaseAsync(CancellationToken ct)
    {
        bool held;
        try
        {
            held = await store.RenewIfValueAsync(LeaseKey, _instance, _options.PollLeaseTtl, ct).ConfigureAwait(false)
                || await store.SetIfNotExistsAsync(LeaseKey, _instance, _options.PollLeaseTtl, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the store nobody can prove they hold the lease: stop polling until it answers again.
            logger.LogWarning("The Telegram poll lease cannot be checked ({Error}); not polling until the store answers", e.Message);
            held = false;
        }
        if (held && !_leaseHeld) logger.LogInformation("Polling Telegram for bot {BotId} (lease {Instance})", _options.BotId, _instance);
        else if (!held && _leaseHeld) logger.LogWarning("The Telegram poll lease was lost; this instance stops polling");
        _leaseHeld = held;
        return held;
    }

    // Keeps the lease alive during a long poll (PollTimeoutSeconds may approach the lease TTL).
    private async Task RenewLeaseLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.PollLeaseTtl / 3, time);
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            if (!_leaseHeld) continue;
            try
            {
                if (!await store.RenewIfValueAsync(LeaseKey, _instance, _options.PollLeaseTtl, ct).ConfigureAwait(false))
                {
                    _leaseHeld = false;
                    logger.LogWarning("The Telegram poll lease was taken by another instance; this one stops polling");
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Renewing the Telegram poll lease failed: {Error}", e.Message);
            }
        }
    }

    private async Task ReleaseLeaseAsync()
    {
        if (!_leaseHeld) return;
        _leaseHeld = false;
        try
        {
            // Only our own lease: deleting one another instance took meanwhile would let a third poll alongside it.
            await store.DeleteIfValueAsync(LeaseKey, _instance, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning("Releasing the Telegram poll lease failed: {Error}", e.Message);
        }
    }
}
