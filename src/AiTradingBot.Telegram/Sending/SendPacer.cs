using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram.Sending;

/// <summary>
/// Paces outgoing messages to Telegram's limits: about one a second per chat and 30 a second overall. Callers
/// reserve a slot under a lock (so order is kept) and then wait for it. A 429 answer blocks the chat for its
/// retry_after and pauses everything briefly (<see cref="Block"/>); the library never retries on its own.
/// </summary>
public sealed class SendPacer(IOptions<TelegramOptions> options, TimeProvider time)
{
    /// <summary>Longest pause of all chats after one chat's 429: enough for the overall bucket to drain.</summary>
    public static readonly TimeSpan MaxGlobalPauseAfterChatLimit = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, DateTimeOffset> _nextPerChat = [];
    private readonly Dictionary<long, DateTimeOffset> _blockedChats = [];
    private readonly Dictionary<long, int> _perSecond = [];
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private readonly TimeSpan _chatSpacing = options.Value.MaxMessagesPerSecondPerChat > 0
        ? TimeSpan.FromSeconds(1 / options.Value.MaxMessagesPerSecondPerChat) : TimeSpan.Zero;
    private readonly int _maxPerSecond = options.Value.MaxMessagesPerSecond;

    /// <summary>Waits until a message to <paramref name="chatId"/> may be sent (null: a call of no chat, which only honours a global 429).</summary>
    public async ValueTask WaitAsync(long? chatId, CancellationToken ct)
    {
        var delay = chatId is { } chat ? Reserve(chat) : GlobalDelay();
        if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Telegram answered 429 with <paramref name="retryAfter"/>: a chat's limit blocks that chat for the whole wait and
    /// every chat for at most <see cref="MaxGlobalPauseAfterChatLimit"/>; a call of no chat blocks everything.
    /// </summary>
    public void Block(long? chatId, TimeSpan retryAfter)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (chatId is { } chat)
            {
                var until = now + retryAfter;
                if (!_blockedChats.TryGetValue(chat, out var current) || current < until) _blockedChats[chat] = until;
                if (_nextPerChat.TryGetValue(chat, out var next) && next < until) _nextPerChat[chat] = until;
                var global = now + (retryAfter < MaxGlobalPauseAfterChatLimit ? retryAfter : MaxGlobalPauseAfterChatLimit);
                if (global > _blockedUntil) _blockedUntil = global;
            }
            else if (now + retryAfter > _blockedUntil)
            {
                _blockedUntil = now + retryAfter;
            }
        }
    }

    private TimeSpan GlobalDelay()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return _blockedUntil > now ? _blockedUntil - now : TimeSpan.Zero;
        }
    }

    /// <summary>Reserves the next slot for a chat and returns how long to wait for it.</summary>
    internal TimeSpan Reserve(long chatId)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var slot = now;
            if (_blockedUntil > slot) slot = _blockedUntil;
            if (_blockedChats.Count > 0 && _blockedChats.TryGetValue(chatId, out var blocked))
            {
                if (blocked > slot) slot = blocked;
                else if (blocked <= now) _blockedChats.Remove(chatId);
            }
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
