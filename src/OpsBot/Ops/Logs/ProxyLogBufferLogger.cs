using System.Globalization;
using Microsoft.Extensions.Logging;

namespace OpsBot.Ops.Logs;

internal sealed class ProxyLogBufferLogger : ILogger
{
    /// <summary>
    /// Longest message kept. The proxy already cuts what it quotes from vLLM to 4 KiB; this bounds the buffer (2000
    /// lines by default) whatever a future log call passes in.
    /// </summary>
    public const int MaxMessageLength = 8 * 1024;

    private readonly ProxyLogBuffer _buffer;
    private readonly string _category;

    public ProxyLogBufferLogger(ProxyLogBuffer buffer, string category)
    {
        _buffer = buffer;
        // "OpsBot.ProxyCore.Proxy.ChatForwarder" reads better as "Proxy.ChatForwarder" in a Discord code block.
        _category = category.Length > ProxyLogBuffer.CategoryPrefix.Length ? category[(ProxyLogBuffer.CategoryPrefix.Length + 1)..] : category;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        // Formatted when read (/logs proxy), not here: the proxy logs every completion and reading is rare. The state is
        // the source-generated logging struct, which holds values rather than references to what may change later.
        _buffer.Append(ProxyLogEntry.Create(_buffer.Now, Level(logLevel), _category, state, formatter, exception));
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString().ToLowerInvariant(),
    };
}

/// <summary>One logged message, kept as its state until someone reads the buffer.</summary>
internal abstract class ProxyLogEntry(DateTimeOffset time, string level, string category, Exception? exception)
{
    private string[]? _rendered;

    /// <summary>
    /// Lines this entry counts for in the buffer's capacity, known without rendering it: one for the message, and the
    /// exception's. A message with line breaks of its own (rare: quoted upstream text) renders to more and is kept whole.
    /// </summary>
    public abstract int Lines { get; }

    protected Exception? Exception => exception;

    public static ProxyLogEntry Create<TState>(DateTimeOffset time, string level, string category, TState state, Func<TState, Exception?, string> formatter, Exception? exception) =>
        new Entry<TState>(time, level, category, state, formatter, exception);

    public string[] Render() => _rendered ??= RenderLines();

    protected abstract string Message();

    private string[] RenderLines()
    {
        var message = Message();
        if (message.Length > ProxyLogBufferLogger.MaxMessageLength)
        {
            message = $"{message[..ProxyLogBufferLogger.MaxMessageLength]}… (cut, {message.Length} characters)";
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{time:yyyy-MM-dd HH:mm:ss.fff} {level} {category}: {message}");
        if (exception is not null)
        {
            line += $"\n  {exception.GetType().Name}: {exception.Message}";
        }

        var lines = line.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd('\r');
        }

        return lines;
    }

    private sealed class Entry<TState>(DateTimeOffset time, string level, string category, TState state, Func<TState, Exception?, string> formatter, Exception? exception)
        : ProxyLogEntry(time, level, category, exception)
    {
        private readonly int _lines = 1 + (exception is null ? 0 : 1 + exception.Message.AsSpan().Count('\n'));

        public override int Lines => _lines;

        protected override string Message() => formatter(state, Exception);
    }
}
