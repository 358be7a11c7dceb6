using System.Globalization;
using System.Text.Json;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>
/// Writes per-bot positions where strategies read them: <c>position:{bot_id}:{symbol}</c> (never prefixed: the
/// seed's contract) = JSON <c>{"qty":…,"avg_price":…,"unrealized_pnl":…}</c> with JSON numbers; a zero quantity
/// deletes the key. A bot listed in <c>Redis:PositionDatabases</c> gets its keys in its own database.
/// Positions are derived from the fills (the relational store is the source of truth), so Redis being down does not
/// fail the fills path: the positions that could not be written are logged once, kept (latest per key) and written
/// when the connection comes back, before any newer position, so strategies never keep a stale one for long.
/// </summary>
public sealed class RedisPositionPublisher : IPositionPublisher
{
    private readonly RedisConnection _connection;
    private readonly IReadOnlyDictionary<string, int> _botDatabases;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _order = new(1, 1);
    private readonly Dictionary<(string Bot, string Symbol), BotPosition> _unpublished = [];
    private bool _outageLogged; // guarded by _order

    /// <summary>Creates the publisher.</summary>
    public RedisPositionPublisher(RedisConnection connection, IOptions<RedisOptions> options, ILogger<RedisPositionPublisher>? logger = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _botDatabases = new Dictionary<string, int>(options.Value.PositionDatabases, StringComparer.Ordinal);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _connection.Restored += () => _ = FlushAfterReconnectAsync();
    }

    /// <summary>Positions waiting for Redis to come back.</summary>
    public int UnpublishedCount
    {
        get
        {
            lock (_unpublished) return _unpublished.Count;
        }
    }

    /// <summary>The contract key of a bot's position in a symbol.</summary>
    public static string Key(string botId, string symbol) => $"position:{botId}:{symbol}";

    /// <summary>The contract value: quantities and prices as JSON numbers without trailing zeros.</summary>
    public static string ToJson(BotPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("qty", Normalize(position.Qty));
            json.WriteNumber("avg_price", Normalize(position.AveragePrice));
            json.WriteNumber("unrealized_pnl", Normalize(position.UnrealizedPnl));
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <inheritdoc />
    public async Task PublishAsync(IReadOnlyList<BotPosition> positions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(positions);
        await _order.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_unpublished)
                foreach (var p in positions) _unpublished[(p.BotId, p.Symbol)] = p;
            await WriteUnpublishedAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _order.Release();
        }
    }

    /// <summary>Reads a bot's published position back (null when flat or never published).</summary>
    public async Task<BotPosition?> ReadAsync(string botId, string symbol, CancellationToken ct)
    {
        var json = await ClientFor(botId).GetAsync(Key(botId, symbol), ct).ConfigureAwait(false);
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        return new BotPosition(botId, symbol, root.GetProperty("qty").GetDecimal(), root.GetProperty("avg_price").GetDecimal(), root.GetProperty("unrealized_pnl").GetDecimal());
    }

    // Writes every waiting position (distinct keys concurrently, each write atomic); what fails stays waiting.
    private async Task WriteUnpublishedAsync(CancellationToken ct)
    {
        List<BotPosition> batch;
        lock (_unpublished) batch = [.. _unpublished.Values];
        if (batch.Count == 0) return;
        var writes = batch.Select(async p =>
        {
            var client = ClientFor(p.BotId);
            var key = Key(p.BotId, p.Symbol);
            if (p.Qty == 0) await client.DeleteAsync(key, ct).ConfigureAwait(false);
            else await client.SetAsync(key, ToJson(p), ct: ct).ConfigureAwait(false);
            lock (_unpublished) _unpublished.Remove((p.BotId, p.Symbol));
        }).ToList();
        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        catch (RedisUnavailableException e)
        {
            // One line per outage (the first failed batch), not a stack trace per fill.
            if (!_outageLogged)
            {
                _outageLogged = true;
                _logger.LogWarning("Live positions for strategies are not published: {Error} {Count} position(s) are kept and written when Redis is back.",
                    e.Message, UnpublishedCount);
            }
            return;
        }
        _outageLogged = false;
    }

    private async Task FlushAfterReconnectAsync()
    {
        if (UnpublishedCount == 0) return;
        await _order.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteUnpublishedAsync(CancellationToken.None).ConfigureAwait(false);
            if (UnpublishedCount == 0) _logger.LogInformation("Live positions published again after Redis came back");
        }
        catch (Exception e)
        {
            _logger.LogWarning("Publishing live positions after Redis came back failed: {Error}", e.Message);
        }
        finally
        {
            _order.Release();
        }
    }

    private RedisClient ClientFor(string botId) =>
        _botDatabases.TryGetValue(botId, out var db) ? _connection.Client(db) : _connection.Client();

    /// <summary>Drops trailing zeros (30000.00 → 30000) so strategies see plain numbers.</summary>
    internal static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

    /// <summary>Invariant text of a normalized decimal.</summary>
    internal static string Format(decimal value) => Normalize(value).ToString(CultureInfo.InvariantCulture);
}
