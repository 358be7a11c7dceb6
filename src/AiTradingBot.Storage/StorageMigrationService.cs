using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Storage;

/// <summary>
/// Initializes storage in the host's Starting phase (before any hosted service's StartAsync): migrates when
/// <c>Storage:MigrateOnStart</c> is on, so a schema problem or a setting the server rejects stops the host before
/// anything uses the stores. A PostgreSQL that does not answer yet does not: the host starts not ready, logs one line
/// naming the setting, and retries with a capped backoff (logging only when the error changes) until it answers.
/// </summary>
internal sealed class StorageMigrationService(StorageReadiness ready, StorageDatabase database, TimeProvider time, ILogger<StorageMigrationService> logger) : IHostedLifecycleService, IDisposable
{
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ready.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StorageUnavailableException e)
        {
            logger.LogError("{Error} Running without the database: not ready (/readyz), and what needs it answers with this error; retrying with backoff (up to every {Max} s).",
                e.Message, MaxRetry.TotalSeconds);
            ready.RetryingInBackground = true;
            _retry = RetryAsync(e.Message, _stopping.Token);
        }
    }

    private async Task RetryAsync(string lastError, CancellationToken ct)
    {
        var delay = FirstRetry;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
                // A readiness probe may have got there first; then this returns at once.
                await ready.TryNowAsync(ct).ConfigureAwait(false);
                ready.RetryingInBackground = false;
                logger.LogInformation("Storage {Target} answers now; schema ready, storage available.", database.Target.Description);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Once per state change, not per attempt: a long outage logs one line.
                var error = e is StorageUnavailableException ? e.Message : $"Storage {database.Target.Description} answered but could not be initialized: {e.Message}";
                if (error != lastError)
                {
                    if (e is StorageUnavailableException) logger.LogWarning("{Error} Still retrying.", error);
                    else logger.LogError(e, "{Error} Still retrying.", error);
                    lastError = error;
                }
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetry.Ticks));
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retry.ConfigureAwait(false);
    }
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();
}
