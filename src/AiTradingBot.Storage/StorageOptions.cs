using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Storage;

/// <summary>The <c>Storage</c> configuration section. The provider is chosen by <c>ConnectionStrings:Postgres</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>File name of the embedded database inside <see cref="DataDirectory"/>.</summary>
    public const string DatabaseFileName = "aitradingbot.db";

    /// <summary>Where the embedded database lives when no PostgreSQL is configured (relative to the working directory).</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Keep nothing on disk (the <c>parse</c> verb, tests): without PostgreSQL no embedded database is registered.</summary>
    public bool Ephemeral { get; set; }

    /// <summary>Apply pending migrations when the host starts (the <c>migrate</c> verb applies them explicitly).</summary>
    public bool MigrateOnStart { get; set; } = true;
}
