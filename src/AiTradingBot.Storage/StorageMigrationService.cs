using Microsoft.Extensions.Hosting;

namespace AiTradingBot.Storage;

/// <summary>
/// Migrates in the host's Starting phase (before any hosted service's StartAsync) when <c>Storage:MigrateOnStart</c>
/// is on, so a schema problem stops the host before anything uses the stores.
/// </summary>
internal sealed class StorageMigrationService(StorageReadiness ready) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => ready.EnsureAsync(cancellationToken);
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
