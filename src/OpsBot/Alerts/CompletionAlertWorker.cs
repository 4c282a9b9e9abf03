using OpsBot.ProxyCore.Events;

namespace OpsBot.Alerts;

/// <summary>Feeds completion events to the no-reply and loop-guard trackers, off the request path.</summary>
public sealed partial class CompletionAlertWorker : BackgroundService
{
    private readonly CompletionAlertObserver _observer;
    private readonly NoReplyTracker _noReply;
    private readonly LoopGuardTracker _loopGuard;
    private readonly ILogger<CompletionAlertWorker> _logger;

    public CompletionAlertWorker(CompletionAlertObserver observer, NoReplyTracker noReply, LoopGuardTracker loopGuard, ILogger<CompletionAlertWorker> logger)
    {
        _observer = observer;
        _noReply = noReply;
        _loopGuard = loopGuard;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var completion in _observer.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(completion, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad event must not stop alerting for the rest of the run.
                    LogFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task HandleAsync(CompletionEvent completion, CancellationToken cancellationToken)
    {
        if (completion.Path == CompletionPath.LoopGuard)
        {
            await _loopGuard.RecordAsync(completion.At, cancellationToken);
        }

        if (NoReplyClassifier.Classify(completion) is { } signal)
        {
            await _noReply.RecordAsync(signal, cancellationToken);
        }
        else if (!completion.Failed)
        {
            _noReply.RecordSuccess();
        }
    }

    [LoggerMessage(EventId = 860, Level = LogLevel.Error, Message = "Alerting could not handle a completion event")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
