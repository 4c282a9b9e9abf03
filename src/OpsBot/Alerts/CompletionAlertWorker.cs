using OpsBot.Hosting;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Alerts;

/// <summary>Feeds completion events to the no-reply and loop-guard trackers, off the request path.</summary>
public sealed partial class CompletionAlertWorker(
    CompletionQueue<CompletionAlertWorker> queue, NoReplyTracker noReply, LoopGuardTracker loopGuard, ILogger<CompletionAlertWorker> logger)
    : CompletionConsumer<CompletionAlertWorker>(queue)
{
    protected override async ValueTask HandleAsync(CompletionEvent completion, CancellationToken cancellationToken)
    {
        if (completion.Path == CompletionPath.LoopGuard)
        {
            await loopGuard.RecordAsync(completion.At, cancellationToken);
        }

        if (NoReplyClassifier.Classify(completion) is { } signal)
        {
            await noReply.RecordAsync(signal, cancellationToken);
        }
        else if (!completion.Failed)
        {
            noReply.RecordSuccess();
        }
    }

    // One bad event must not stop alerting for the rest of the run.
    protected override void OnHandleFailed(Exception exception) => LogFailed(logger, exception);

    [LoggerMessage(EventId = OpsBotEventIds.CompletionAlertWorkerFailed, Level = LogLevel.Error, Message = "Alerting could not handle a completion event")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
