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
    private readonly Queue<ProxyLogEntry> _entries = new();
    private readonly int _capacity;
    private readonly TimeProvider _time;

    /// <summary>Lines held by <see cref="_entries"/>, and how many of the oldest entry's lines have already been dropped.</summary>
    private int _lines;
    private int _headSkip;

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

    /// <summary>The newest <paramref name="lines"/> lines, rendered now: logging (once per request) only stores, reading formats.</summary>
    public IReadOnlyList<string> Tail(int lines)
    {
        ProxyLogEntry[] entries;
        int skip;
        lock (_gate)
        {
            entries = [.. _entries];
            skip = _headSkip;
        }

        var tail = new List<string>(Math.Clamp(lines, 0, _capacity));
        // From the newest entry back, so only what is shown gets formatted.
        for (var i = entries.Length - 1; i >= 0 && tail.Count < lines; i--)
        {
            var rendered = entries[i].Render();
            var from = i == 0 ? skip : 0;
            for (var j = rendered.Length - 1; j >= from && tail.Count < lines; j--)
            {
                tail.Add(rendered[j]);
            }
        }

        tail.Reverse();
        return tail;
    }

    public void Dispose()
    {
    }

    internal DateTimeOffset Now => _time.GetUtcNow();

    internal void Append(ProxyLogEntry entry)
    {
        lock (_gate)
        {
            _entries.Enqueue(entry);
            _lines += entry.Lines;
            while (_lines - _headSkip > _capacity)
            {
                var head = _entries.Peek();
                var excess = _lines - _headSkip - _capacity;
                if (excess >= head.Lines - _headSkip)
                {
                    _entries.Dequeue();
                    _lines -= head.Lines;
                    _headSkip = 0;
                }
                else
                {
                    // Part of the oldest entry (a message with an exception line) still fits.
                    _headSkip += excess;
                }
            }
        }
    }
}
