using Microsoft.Extensions.Logging;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>Collects formatted log lines (level, category, message, whether an exception was attached) for assertions.</summary>
internal sealed class RedisTestLogger : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Category, string Message, bool HasException)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Category, string Message, bool HasException)> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RedisTestLogger owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines) owner._lines.Add((logLevel, category, formatter(state, exception), exception is not null));
        }
    }
}
