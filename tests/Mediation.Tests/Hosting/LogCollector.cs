using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mediation.Tests.Hosting;

/// <summary>Every log line a test host writes, as formatted text and with its structured values.</summary>
public sealed class LogCollector : ILoggerProvider
{
    public sealed record Line(string Category, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> Values);

    readonly ConcurrentQueue<Line> _lines = new();

    public IReadOnlyList<Line> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    sealed class Logger(string category, ConcurrentQueue<Line> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new Line(category, logLevel, formatter(state, exception),
                state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
    }
}
