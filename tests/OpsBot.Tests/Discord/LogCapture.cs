using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OpsBot.Tests.Discord;

/// <summary>Captures every log entry at every level, with formatted message and full exception text.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public bool Contains(string text, LogLevel? level = null) =>
        _entries.Any(e => (level is null || e.Level == level) && e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Polls until a matching entry appears (bounded).</summary>
    public async Task<CapturedLog> WaitForAsync(Func<CapturedLog, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (_entries.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("No matching log entry. Entries:\n" + string.Join('\n', _entries));
    }

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Structured values too: a token passed as a parameter but not in the template would still leak to sinks.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? " " + string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception) + values, exception?.ToString()));
        }
    }
}
