using System.Security.Cryptography;
using System.Text;

namespace AiTradingBot.Storage.Migrations;

/// <summary>
/// One versioned schema change. Its SQL runs inside the migrator's transaction and must be idempotent
/// (<c>IF NOT EXISTS</c>), so re-running it over a half-recorded history cannot break a database.
/// </summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL (line endings normalized): an applied migration must never change.</summary>
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n")))).ToLowerInvariant();
}
