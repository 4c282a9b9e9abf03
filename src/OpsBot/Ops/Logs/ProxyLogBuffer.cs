using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;

namespace OpsBot.Ops.Logs;

/// <summary>
/// Keeps the last lines logged by ProxyCore in memory so /logs proxy works without a log file.
/// Other categories get a no-op logger. Lines are stored as logged; redaction happens on the way out.
/// </summary>
[ProviderAlias("ProxyLogBuffer")]
public sealed class ProxyLogBuffer : ILoggerProvider
{
    public const string CategoryPrefix = "OpsBot.ProxyCore";

    private readonly Lock _gate = new();
    private readonly Queue<string> _lines = new();
    private readonly int _capacity;
    private readonly TimeProvider _time;

    public ProxyLogBuffer(IOptions<ProxyOpsOptions> options, TimeProvider time)
    {
        _capacity = options.Value.LogBufferCapacity;
        _time = time;
    }

    public int Capacity => _capacity;

    public static bool Captures(string categoryName) =>
        categoryName.StartsWith(CategoryPrefix, StringComparison.Ordinal)
        && (categoryName.Length == CategoryPrefix.Length || categoryName[CategoryPrefix.Length] == '.');

    public ILogger CreateLogger(string categoryName) =>
        Captures(categoryName) ? new ProxyLogBufferLogger(this, categoryName) : NullLogger.Instance;

    public IReadOnlyList<string> Tail(int lines)
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - lines)).ToArray();
        }
    }

    public void Dispose()
    {
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    internal void Append(string entry)
    {
        lock (_gate)
        {
            foreach (var line in entry.Split('\n'))
            {
                _lines.Enqueue(line.TrimEnd('\r'));
            }

            while (_lines.Count > _capacity)
            {
                _lines.Dequeue();
            }
        }
    }
}
