using Microsoft.Extensions.Logging;

namespace AiTradingBot.Core.Audit;

/// <summary>
/// Wraps a logger provider so every line it writes passes through <see cref="SecretRedactor"/>: the message, and an
/// exception's text (appended to the message, since providers print exceptions verbatim).
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, SecretRedactor redactor) : ILoggerProvider
{
    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, null, (s, _) =>
                redactor.Redact(exception is null ? formatter(s, exception) : $"{formatter(s, exception)}{Environment.NewLine}{exception}"));
    }
}
