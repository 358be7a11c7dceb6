using Hangfire.Logging;
using Microsoft.Extensions.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace AiTradingBot.Scheduling.Infrastructure;

/// <summary>
/// Hangfire logs through one process-wide provider (<see cref="LogProvider"/>), and many of its types keep the logger
/// they got at type initialization. Handing it one container's factory would send every other host's Hangfire logs
/// there and fail once that container is disposed. This bridge is installed once and forwards to the newest live
/// container's factory.
/// </summary>
internal sealed class HangfireLogBridge : ILogProvider
{
    private static readonly HangfireLogBridge Instance = new();
    private static readonly Lock Gate = new();
    private static readonly List<ILoggerFactory> Attached = [];
    private static bool _installed;

    /// <summary>Routes Hangfire's logs to <paramref name="factory"/> until the returned handle is disposed.</summary>
    public static IDisposable Attach(ILoggerFactory factory)
    {
        lock (Gate)
        {
            Attached.Add(factory);
            if (!_installed)
            {
                LogProvider.SetCurrentLogProvider(Instance);
                _installed = true;
            }
        }
        return new Detach(factory);
    }

    private static ILoggerFactory? Current
    {
        get { lock (Gate) return Attached.Count == 0 ? null : Attached[^1]; }
    }

    /// <inheritdoc />
    public ILog GetLogger(string name) => new Forwarder(name);

    private sealed class Detach(ILoggerFactory factory) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) Attached.Remove(factory);
        }
    }

    private sealed class Forwarder(string category) : ILog
    {
        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                HangfireLevel.Trace => LogLevel.Trace,
                HangfireLevel.Debug => LogLevel.Debug,
                HangfireLevel.Info => LogLevel.Information,
                HangfireLevel.Warn => LogLevel.Warning,
                HangfireLevel.Error => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            if (Target() is not { } logger || !logger.IsEnabled(level)) return false;
            // A null message asks only whether the level is enabled.
            if (messageFunc is null) return true;
            logger.Log(level, 0, messageFunc(), exception, static (message, _) => message);
            return true;
        }

        private ILogger? Target()
        {
            try
            {
                return Current?.CreateLogger(category);
            }
            catch (ObjectDisposedException)
            {
                return null; // a container being disposed right now; its detach follows
            }
        }
    }
}
