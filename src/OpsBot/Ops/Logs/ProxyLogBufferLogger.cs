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

        var message = formatter(state, exception);
        if (message.Length > MaxMessageLength)
        {
            message = $"{message[..MaxMessageLength]}… (cut, {message.Length} characters)";
        }

        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{_buffer.Now:yyyy-MM-dd HH:mm:ss.fff} {Level(logLevel)} {_category}: {message}");
        if (exception is not null)
        {
            line += $"\n  {exception.GetType().Name}: {exception.Message}";
        }

        _buffer.Append(line);
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
