using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>Every line the proxy logs (Information and up), formatted as a console would print it, with any exception's full text.</summary>
public sealed class ProxyLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<ProxyLogLine> _lines = new();

    public IReadOnlyList<ProxyLogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<ProxyLogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue(new ProxyLogLine(logLevel, category, formatter(state, exception), exception?.ToString()));
            }
        }
    }
}

public sealed record ProxyLogLine(LogLevel Level, string Category, string Message, string? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
}
