using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>
/// Public <c>tickers.{symbol}</c> streams (one per category) feeding <see cref="BybitPriceCache"/>; symbols are
/// subscribed as prices are first asked for. Snapshots replace, deltas update only the fields they carry.
/// </summary>
internal sealed class BybitTickerStream(BybitPriceCache prices, IOptions<BybitOptions> options, TimeProvider time, ILogger<BybitTickerStream> log) : BackgroundService
{
    private readonly BybitOptions _options = options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.StreamTickers) return Task.CompletedTask;
        var channels = new Dictionary<OrderCategory, Channel<string>>
        {
            [OrderCategory.Linear] = Channel.CreateUnbounded<string>(),
            [OrderCategory.Spot] = Channel.CreateUnbounded<string>(),
        };
        prices.SymbolAdded += (symbol, category) => channels[category].Writer.TryWrite(symbol);
        return Task.WhenAll(channels.Select(c => RunCategoryAsync(c.Key, c.Value.Reader, stoppingToken)));
    }

    private async Task RunCategoryAsync(OrderCategory category, ChannelReader<string> added, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Nothing to stream until a price is asked for.
                if (!prices.Wanted.Any(w => w.Category == category)) await added.WaitToReadAsync(ct).ConfigureAwait(false);
                await RunConnectionAsync(category, added, ct).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is WebSocketException or JsonException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                log.LogInformation("Bybit {Category} ticker stream disconnected: {Reason}", category, e.Message);
            }
            try { await Task.Delay(delay, time, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private async Task RunConnectionAsync(OrderCategory category, ChannelReader<string> added, CancellationToken ct)
    {
        await using var socket = await BybitSocket.ConnectAsync(_options.PublicStreamUri(BybitOrderBuilder.Category(category)), TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var subscribed = new HashSet<string>(StringComparer.Ordinal);
        async Task SubscribeAsync(IEnumerable<string> symbols)
        {
            var fresh = symbols.Where(subscribed.Add).Select(s => "tickers." + s).ToArray();
            if (fresh.Length > 0) await socket.SendAsync(new { op = "subscribe", args = fresh }, connection.Token).ConfigureAwait(false);
        }
        while (added.TryRead(out _)) { } // everything wanted is subscribed below
        await SubscribeAsync(prices.Wanted.Where(w => w.Category == category).Select(w => w.Symbol)).ConfigureAwait(false);
        var pings = socket.PingLoopAsync(_options.PingInterval, time, connection.Token);
        var adds = Task.Run(async () =>
        {
            await foreach (var symbol in added.ReadAllAsync(connection.Token).ConfigureAwait(false)) await SubscribeAsync([symbol]).ConfigureAwait(false);
        }, connection.Token);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var message = await socket.ReceiveAsync(ct).ConfigureAwait(false) ?? throw new WebSocketException("Bybit closed the ticker stream");
                Apply(message.RootElement, category);
            }
        }
        finally
        {
            await connection.CancelAsync().ConfigureAwait(false);
            try { await Task.WhenAll(pings, adds).ConfigureAwait(false); } catch (OperationCanceledException) { } catch (WebSocketException) { }
        }
    }

    private void Apply(JsonElement m, OrderCategory category)
    {
        if (m.Str("topic") is not { } topic || !topic.StartsWith("tickers.", StringComparison.Ordinal)) return;
        if (!m.TryGetProperty("data", out var d) || d.ValueKind != JsonValueKind.Object) return;
        var symbol = d.Str("symbol") ?? topic["tickers.".Length..];
        var now = m.Long("ts") is { } ts ? BybitJson.FromMs(ts) : time.GetUtcNow();
        var previous = m.Str("type") == "delta" ? prices.Get(symbol, category) : null;
        var last = d.Dec("lastPrice") ?? previous?.LastPrice;
        if (last is not > 0) return;
        prices.Set(new Ticker(symbol, last.Value,
            d.Dec("price24hPcnt") is { } pc ? pc * 100m : previous?.Change24hPercent,
            d.Dec("highPrice24h") ?? previous?.High24h,
            d.Dec("lowPrice24h") ?? previous?.Low24h,
            now), category);
    }
}
