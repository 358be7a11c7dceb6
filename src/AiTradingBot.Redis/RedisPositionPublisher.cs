using System.Globalization;
using System.Text.Json;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>
/// Writes per-bot positions where strategies read them: <c>position:{bot_id}:{symbol}</c> (never prefixed: the
/// seed's contract) = JSON <c>{"qty":…,"avg_price":…,"unrealized_pnl":…}</c> with JSON numbers; a zero quantity
/// deletes the key. A bot listed in <c>Redis:PositionDatabases</c> gets its keys in its own database.
/// </summary>
public sealed class RedisPositionPublisher : IPositionPublisher
{
    private readonly RedisDatabases _databases;
    private readonly IReadOnlyDictionary<string, int> _botDatabases;

    /// <summary>Creates the publisher.</summary>
    public RedisPositionPublisher(RedisDatabases databases, IOptions<RedisOptions> options)
    {
        _databases = databases ?? throw new ArgumentNullException(nameof(databases));
        _botDatabases = new Dictionary<string, int>(options.Value.PositionDatabases, StringComparer.Ordinal);
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
        // The last entry per key wins; distinct keys are written concurrently (pipelined), each write atomic.
        var latest = new Dictionary<(string, string), BotPosition>();
        foreach (var p in positions) latest[(p.BotId, p.Symbol)] = p;
        var writes = latest.Values.Select(p =>
        {
            var client = ClientFor(p.BotId);
            var key = Key(p.BotId, p.Symbol);
            return p.Qty == 0 ? (Task)client.DeleteAsync(key, ct) : client.SetAsync(key, ToJson(p), ct: ct);
        }).ToList();
        await Task.WhenAll(writes).ConfigureAwait(false);
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

    private RedisClient ClientFor(string botId) =>
        _botDatabases.TryGetValue(botId, out var db) ? _databases.For(db) : _databases.Main;

    /// <summary>Drops trailing zeros (30000.00 → 30000) so strategies see plain numbers.</summary>
    internal static decimal Normalize(decimal value) => value / 1.0000000000000000000000000000m;

    /// <summary>Invariant text of a normalized decimal.</summary>
    internal static string Format(decimal value) => Normalize(value).ToString(CultureInfo.InvariantCulture);
}
