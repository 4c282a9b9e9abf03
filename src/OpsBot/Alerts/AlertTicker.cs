using Microsoft.Extensions.Options;

namespace OpsBot.Alerts;

/// <summary>Drives the trackers' time-based decisions: resolve after quiet, periodic counts, posts held back by a silence that ended.</summary>
public sealed partial class AlertTicker : BackgroundService
{
    private readonly IAlertEvaluator[] _evaluators;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger<AlertTicker> _logger;

    public AlertTicker(IEnumerable<IAlertEvaluator> evaluators, TimeProvider time, IOptions<AlertOptions> options, ILogger<AlertTicker> logger)
    {
        _evaluators = evaluators.ToArray();
        _time = time;
        _interval = options.Value.TickInterval;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = _time.GetUtcNow();
                foreach (var evaluator in _evaluators)
                {
                    try
                    {
                        await evaluator.EvaluateAsync(now, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogFailed(_logger, evaluator.GetType().Name, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.AlertTickerFailed, Level = LogLevel.Error, Message = "Alert evaluator {Evaluator} failed")]
    private static partial void LogFailed(ILogger logger, string evaluator, Exception exception);
}
