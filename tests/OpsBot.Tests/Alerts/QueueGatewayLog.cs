using System.Collections.Concurrent;
using OpsBot.Alerts;

namespace OpsBot.Tests.Alerts;

/// <summary>A gateway log fed by the test: lines appear on the next read after the first.</summary>
public sealed class QueueGatewayLog : IGatewayLogSource
{
    private int _reads;

    public ConcurrentQueue<string> Lines { get; } = new();

    public int Reads => Volatile.Read(ref _reads);

    public Task<GatewayLogBatch> ReadSinceAsync(string? cursor, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var lines = new List<string>();
        if (cursor is not null)
        {
            while (Lines.TryDequeue(out var line))
            {
                lines.Add(line);
            }
        }

        return Task.FromResult(new GatewayLogBatch(lines, $"c{_reads}"));
    }
}
