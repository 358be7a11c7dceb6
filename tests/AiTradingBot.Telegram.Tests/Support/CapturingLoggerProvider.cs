using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>Keeps every formatted log line (and exception text) so tests can assert what never appears in logs.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>Formatted lines.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
