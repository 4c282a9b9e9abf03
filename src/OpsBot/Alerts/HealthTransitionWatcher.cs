namespace OpsBot.Alerts;

/// <summary>Feeds the monitors' transitions to <see cref="HealthAlertTracker"/>; resubscribes if the stream breaks.</summary>
public sealed partial class HealthTransitionWatcher(
    IEnumerable<IHealthTransitionSource> sources, HealthAlertTracker tracker, TimeProvider time, ILogger<HealthTransitionWatcher> logger)
    : AlertFeed<IHealthTransitionSource>(sources, time)
{
    protected override TimeSpan Pause { get; } = TimeSpan.FromSeconds(5);

    protected override bool PauseFromRoundStart => false;

    // Before the first transition: an outage that outlived the previous run continues as the same incident.
    protected override Task OnStartingAsync(CancellationToken cancellationToken) => tracker.RestoreAsync(cancellationToken);

    /// <summary>One subscription, until the stream ends or breaks.</summary>
    protected override async Task<int> ReadAsync(IHealthTransitionSource source, CancellationToken cancellationToken)
    {
        var handled = 0;
        await foreach (var transition in source.ReadAllAsync(cancellationToken))
        {
            await tracker.OnTransitionAsync(transition, cancellationToken);
            handled++;
        }

        return handled;
    }

    protected override void OnNoSource() => LogNoSource(logger);

    protected override void OnReadFailed(Exception exception, bool firstOfStreak) => LogStreamFailed(logger, exception);

    [LoggerMessage(EventId = OpsBotEventIds.HealthTransitionWatcherNoSource, Level = LogLevel.Information, Message = "No health transition source registered: monitor alerts are off")]
    private static partial void LogNoSource(ILogger logger);

    [LoggerMessage(EventId = OpsBotEventIds.HealthTransitionWatcherStreamFailed, Level = LogLevel.Error, Message = "Health transition stream failed; resubscribing")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
