using System.CommandLine;
using AiTradingBot.Storage.Migrations;

namespace AiTradingBot.Cli;

/// <summary><c>migrate</c>: applies the database migrations (PostgreSQL when configured, else the embedded file) and exits.</summary>
public static class MigrateVerb
{
    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var command = new Command("migrate", "Apply the versioned database migrations (safe to run twice, and from two instances at once).");
        command.SetAction(async (_, ct) =>
        {
            await using var services = io.BuildServices(extra: new Dictionary<string, string?> { ["Storage:MigrateOnStart"] = "false" });
            if (services.GetService<DatabaseMigrator>() is not { } migrator)
            {
                await io.Error.WriteLineAsync("No database is configured (Storage:Ephemeral is set); nothing to migrate.").ConfigureAwait(false);
                return 2;
            }
            var result = await migrator.MigrateAsync(ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync(result.Applied.Count == 0
                ? $"{result.Target}: up to date at version {result.CurrentVersion}."
                : $"{result.Target}: applied {string.Join(", ", result.Applied)}; now at version {result.CurrentVersion}.").ConfigureAwait(false);
            // The scheduler's schemas (Hangfire's storage and ours), only when PostgreSQL is configured: over
            // ConnectionStrings:PostgresDirect when set, since the installer holds a session lock PgBouncer cannot keep.
            if (services.GetService<AiTradingBot.Scheduling.Migrations.SchedulerSchemaMigrator>() is { } scheduler)
            {
                var q = await scheduler.MigrateAsync(ct).ConfigureAwait(false);
                var hangfire = q.HangfireVersionBefore == q.HangfireVersion
                    ? $"hangfire up to date at version {q.HangfireVersion}"
                    : $"hangfire installed to version {q.HangfireVersion} (was {q.HangfireVersionBefore})";
                var own = q.Applied.Count == 0
                    ? $"scheduling up to date at version {q.CurrentVersion}"
                    : $"scheduling applied {string.Join(", ", q.Applied)}; now at version {q.CurrentVersion}";
                await io.Out.WriteLineAsync($"Scheduler (schemas hangfire, scheduling): {hangfire}; {own}.").ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}
