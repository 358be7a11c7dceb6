using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram.Sending;

/// <summary>
/// Paces outgoing messages to Telegram's limits: about one a second per chat and 30 a second overall. Callers
/// reserve a slot under a lock (so order is kept) and then wait for it.
/// </summary>
public sealed class SendPacer(IOptions<TelegramOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, DateTimeOffset> _nextPerChat = [];
    private readonly Dictionary<long, int> _perSecond = [];
    private readonly TimeSpan _chatSpacing = options.Value.MaxMessagesPerSecondPerChat > 0
        ? TimeSpan.FromSeconds(1 / options.Value.MaxMessagesPerSecondPerChat) : TimeSpan.Zero;
    private readonly int _maxPerSecond = options.Value.MaxMessagesPerSecond;

    /// <summary>Waits until a message to <paramref name="chatId"/> may be sent.</summary>
    public async ValueTask WaitAsync(long chatId, CancellationToken ct)
    {
        var delay = Reserve(chatId);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct).ConfigureAwait(false);
    }

    /// <summary>Reserves the next slot for a chat and returns how long to wait for it.</summary>
    internal TimeSpan Reserve(long chatId)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var slot = now;
            if (_chatSpacing > TimeSpan.Zero && _nextPerChat.TryGetValue(chatId, out var next) && next > slot) slot = next;
            if (_maxPerSecond > 0)
            {
                var second = slot.ToUnixTimeMilliseconds() / 1000;
                while (_perSecond.GetValueOrDefault(second) >= _maxPerSecond) second++;
                if (second * 1000 > slot.ToUnixTimeMilliseconds()) slot = DateTimeOffset.FromUnixTimeMilliseconds(second * 1000);
                _perSecond[second] = _perSecond.GetValueOrDefault(second) + 1;
                if (_perSecond.Count > 64) Sweep(_perSecond, now.ToUnixTimeMilliseconds() / 1000);
            }
            if (_chatSpacing > TimeSpan.Zero)
            {
                _nextPerChat[chatId] = slot + _chatSpacing;
                if (_nextPerChat.Count > 4096)
                    foreach (var stale in _nextPerChat.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList()) _nextPerChat.Remove(stale);
            }
            return slot - now;
        }
    }

    private static void Sweep(Dictionary<long, int> buckets, long currentSecond)
    {
        foreach (var old in buckets.Keys.Where(k => k < currentSecond).ToList()) buckets.Remove(old);
    }
}
