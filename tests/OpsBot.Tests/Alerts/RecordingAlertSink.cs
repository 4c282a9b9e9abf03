using System.Collections.Concurrent;
using OpsBot.Alerts;

namespace OpsBot.Tests.Alerts;

/// <summary>A stand-in alert channel that can be made unreachable.</summary>
public sealed class RecordingAlertSink : IAlertSink
{
    private readonly ConcurrentQueue<OutgoingAlert> _sent = new();

    public volatile bool Unreachable;

    public int Attempts;

    public IReadOnlyList<OutgoingAlert> Sent => _sent.ToList();

    public Task SendAsync(OutgoingAlert alert, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Attempts);
        if (Unreachable)
        {
            throw new HttpRequestException("Connection refused (discord.com:443)");
        }

        _sent.Enqueue(alert);
        return Task.CompletedTask;
    }
}
