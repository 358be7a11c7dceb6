using Microsoft.Extensions.Logging;
using LogContext = Quartz.Logging.LogContext;

namespace AiTradingBot.Scheduling.Quartz;

/// <summary>
/// Quartz logs through one process-wide logger factory (<see cref="LogContext"/>) and creates loggers as it runs. Handing
/// it a container's factory would break every other scheduler in the process once that container is disposed (its
/// factory throws <see cref="ObjectDisposedException"/> inside Quartz's firing loop). This bridge is set once and
/// forwards to the newest live container's factory.
/// </summary>
internal sealed class QuartzLogBridge : ILoggerFactory
{
    private static readonly QuartzLogBridge Instance = new();
    private static readonly Lock Gate = new();
    private static readonly List<ILoggerFactory> Attached = [];
    private static bool _installed;

    /// <summary>Routes Quartz's logs to <paramref name="factory"/> until the returned handle is disposed.</summary>
    public static IDisposable Attach(ILoggerFactory factory)
    {
        lock (Gate)
        {
            Attached.Add(factory);
            if (!_installed)
            {
                LogContext.SetCurrentLogProvider(Instance);
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
    public ILogger CreateLogger(string categoryName) => new Forwarder(categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Detach(ILoggerFactory factory) : IDisposable
    {
        public void Dispose()
        {
            lock (Gate) Attached.Remove(factory);
        }
    }

    private sealed class Forwarder(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => Target() is { } logger && logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Target()?.Log(logLevel, eventId, state, exception, formatter);

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
