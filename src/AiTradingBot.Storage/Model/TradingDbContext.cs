using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AiTradingBot.Storage.Model;

/// <summary>
/// The one EF model of the relational store, mapped onto the hand-written migrations (<see cref="Migrations"/>) for
/// PostgreSQL (schema <c>trading</c>, exact <c>numeric</c>) and SQLite (decimals as invariant TEXT, times as UTC ticks).
/// </summary>
public sealed class TradingDbContext(DbContextOptions<TradingDbContext> options) : DbContext(options)
{
    /// <summary>The PostgreSQL schema that holds every table.</summary>
    public const string Schema = "trading";

    internal DbSet<FillRow> Fills => Set<FillRow>();
    internal DbSet<BotPositionRow> BotPositions => Set<BotPositionRow>();
    internal DbSet<OrderRow> Orders => Set<OrderRow>();
    internal DbSet<AuditRow> AuditLog => Set<AuditRow>();
    internal DbSet<BotRow> Bots => Set<BotRow>();
    internal DbSet<KeyValueRow> KeyValues => Set<KeyValueRow>();
    internal DbSet<ReportScheduleRow> ReportSchedules => Set<ReportScheduleRow>();
    internal DbSet<HaltEventRow> HaltEvents => Set<HaltEventRow>();
    internal DbSet<FillDeadLetterRow> FillDeadLetters => Set<FillDeadLetterRow>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var postgres = Database.IsNpgsql();
        if (postgres) modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<FillRow>(e =>
        {
            e.ToTable("fills");
            e.HasKey(x => x.ExecId);
        });
        modelBuilder.Entity<BotPositionRow>(e =>
        {
            e.ToTable("bot_positions");
            e.HasKey(x => new { x.BotId, x.Symbol, x.Category });
        });
        modelBuilder.Entity<OrderRow>(e =>
        {
            e.ToTable("orders");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.ClientOrderId).IsUnique();
        });
        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_log");
            e.HasKey(x => x.Id);
            if (postgres)
            {
                e.Property(x => x.Reasons).HasColumnType("jsonb");
                e.Property(x => x.Steps).HasColumnType("jsonb");
            }
        });
        modelBuilder.Entity<BotRow>(e => { e.ToTable("bots"); e.HasKey(x => x.BotId); });
        modelBuilder.Entity<KeyValueRow>(e => { e.ToTable("kv"); e.HasKey(x => x.Key); });
        modelBuilder.Entity<ReportScheduleRow>(e => { e.ToTable("report_schedules"); e.HasKey(x => new { x.Kind, x.ChatId }); });
        modelBuilder.Entity<HaltEventRow>(e => { e.ToTable("halt_events"); e.HasKey(x => x.Id); });
        modelBuilder.Entity<FillDeadLetterRow>(e => { e.ToTable("fill_dead_letters"); e.HasKey(x => x.Id); e.HasIndex(x => x.DedupeKey).IsUnique(); });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
                if (type.IsEnum) property.SetValueConverter((ValueConverter)Activator.CreateInstance(typeof(EnumToStringConverter<>).MakeGenericType(type), (object?)null)!);
                else if (type == typeof(decimal))
                {
                    if (postgres) property.SetColumnType("numeric");
                    else property.SetValueConverter(DecimalAsText);
                }
                else if (type == typeof(DateTimeOffset))
                {
                    property.SetValueConverter(postgres ? UtcTimestamp : UtcTicks);
                }
            }
        }
    }

    /// <summary>SQLite has no decimal type: invariant text round-trips every digit, so sums in .NET stay exact.</summary>
    private static readonly ValueConverter<decimal, string> DecimalAsText = new(
        v => v.ToString(CultureInfo.InvariantCulture),
        s => decimal.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>SQLite cannot compare or order DateTimeOffset text; UTC ticks sort and compare as integers.</summary>
    private static readonly ValueConverter<DateTimeOffset, long> UtcTicks = new(
        v => v.UtcTicks,
        t => new DateTimeOffset(t, TimeSpan.Zero));

    /// <summary>Npgsql writes timestamptz only from offset-zero values.</summary>
    private static readonly ValueConverter<DateTimeOffset, DateTimeOffset> UtcTimestamp = new(
        v => v.ToUniversalTime(),
        v => v);

    /// <summary><c>ClientOrderId</c> → <c>client_order_id</c>.</summary>
    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
