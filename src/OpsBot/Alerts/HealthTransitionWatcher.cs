namespace OpsBot.Alerts;

/// <summary>Feeds the monitors' transitions to <see cref="HealthAlertTracker"/>; resubscribes if the stream breaks.</summary>
public sealed partial class HealthTransitionWatcher : BackgroundService
{
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(5);

    private readonly IHealthTransitionSource? _source;
    private readonly HealthAlertTracker _tracker;
    private readonly TimeProvider _time;
    private readonly ILogger<HealthTransitionWatcher> _logger;

    public HealthTransitionWatcher(IEnumerable<IHealthTransitionSource> sources, HealthAlertTracker tracker, TimeProvider time, ILogger<HealthTransitionWatcher> logger)
    {
        _source = sources.LastOrDefault();
        _tracker = tracker;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_source is null)
        {
            LogNoSource(_logger);
            return;
        }

        // Before the first transition: an outage that outlived the previous run continues as the same incident.
        await _tracker.RestoreAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var transition in _source.ReadAllAsync(stoppingToken))
                {
                    await _tracker.OnTransitionAsync(transition, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogStreamFailed(_logger, ex);
            }

            try
            {
                await Task.Delay(ResubscribeDelay, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 880, Level = LogLevel.Information, Message = "No health transition source registered: monitor alerts are off")]
    private static partial void LogNoSource(ILogger logger);

    [LoggerMessage(EventId = 881, Level = LogLevel.Error, Message = "Health transition stream failed; resubscribing")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
