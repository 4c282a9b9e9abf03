using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpsBot.Alerts;
using OpsBot.History;

namespace OpsBot.Tests.Alerts;

/// <summary>Trackers wired to a capturing publisher, a substitute incident store and a fake clock.</summary>
public sealed class AlertTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private long _nextIncident;

    public AlertTestKit(Action<AlertOptions>? configure = null)
    {
        configure?.Invoke(Options);
        Incidents.OpenAsync(Arg.Any<IncidentOpening>(), Arg.Any<CancellationToken>()).Returns(_ => Task.FromResult<long?>(Interlocked.Increment(ref _nextIncident)));
        Mutes = new AlertSuppressions(Publisher, Microsoft.Extensions.Options.Options.Create(Options), Time, NullLogger<AlertSuppressions>.Instance);
    }

    public AlertOptions Options { get; } = new();

    public FakeTimeProvider Time { get; } = new(Start);

    public CapturingPublisher Publisher { get; } = new();

    public IIncidentStore Incidents { get; } = Substitute.For<IIncidentStore>();

    public AlertSuppressions Mutes { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public NoReplyTracker NoReply() => new(Publisher, Incidents, Mutes, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<NoReplyTracker>.Instance);

    public HealthAlertTracker Health() => new(Publisher, Incidents, Mutes, Microsoft.Extensions.Options.Options.Create(Options), NullLogger<HealthAlertTracker>.Instance);

    public LoopGuardTracker LoopGuard() => new(Publisher, Incidents, Mutes, Microsoft.Extensions.Options.Options.Create(Options));

    public IReadOnlyList<AlertKind> PostedKinds(string? keyPrefix = null) =>
        Publisher.Posted.Where(a => keyPrefix is null || a.Key.StartsWith(keyPrefix, StringComparison.Ordinal)).Select(a => a.Kind).ToList();
}
