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
            // The clustered scheduler's own tables (schema quartz), only when PostgreSQL is configured.
            if (services.GetService<AiTradingBot.Scheduling.Migrations.QuartzSchemaMigrator>() is { } quartz)
            {
                var q = await quartz.MigrateAsync(ct).ConfigureAwait(false);
                await io.Out.WriteLineAsync(q.Applied.Count == 0
                    ? $"Scheduler (schema quartz): up to date at version {q.CurrentVersion}."
                    : $"Scheduler (schema quartz): applied {string.Join(", ", q.Applied)}; now at version {q.CurrentVersion}.").ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }
}
