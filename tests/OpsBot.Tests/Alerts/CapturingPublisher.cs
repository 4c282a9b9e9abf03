using System.Collections.Concurrent;
using OpsBot.Alerts;

namespace OpsBot.Tests.Alerts;

/// <summary>Records what the trackers publish, posted or muted.</summary>
public sealed class CapturingPublisher : IAlertPublisher
{
    private readonly ConcurrentQueue<(Alert Alert, string? MutedBy)> _published = new();

    public IReadOnlyList<(Alert Alert, string? MutedBy)> All => _published.ToList();

    /// <summary>Only what would reach the alert channel.</summary>
    public IReadOnlyList<Alert> Posted => _published.Where(p => p.MutedBy is null).Select(p => p.Alert).ToList();

    public Task PublishAsync(Alert alert, string? mutedBy, CancellationToken cancellationToken)
    {
        _published.Enqueue((alert, mutedBy));
        return Task.CompletedTask;
    }
}
