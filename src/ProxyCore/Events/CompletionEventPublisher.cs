using Microsoft.Extensions.Logging;
using OpsBot.ProxyCore.Proxy.Chat;

namespace OpsBot.ProxyCore.Events;

/// <summary>Logs each completion event once at Information and fans it out to the observers.</summary>
public sealed partial class CompletionEventPublisher(IEnumerable<ICompletionObserver> observers, TimeProvider time, ILogger<CompletionEventPublisher> logger)
{
    private readonly ICompletionObserver[] _observers = observers.ToArray();
    private readonly ILogger<CompletionEventPublisher> _logger = logger;

    /// <summary>Starts the record of one chat request, published through this publisher when the request is done.</summary>
    internal CompletionEventRecorder StartRecording() => new(this, time);

    public void Publish(CompletionEvent completion)
    {
        Log(_logger, completion.Model, completion.Path, completion.Streamed, completion.HasTools, completion.UpstreamStatus,
            (long)completion.Latency.TotalMilliseconds, completion.PromptTokens, completion.CompletionTokens, completion.ToolCalls,
            completion.ToolCallFormat?.ToString(), completion.ContentLength, completion.EmptyAnswer,
            completion.EmptyRetries, completion.Continued, completion.Error);

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCompletion(completion);
            }
            catch (Exception ex)
            {
                // An observer bug must never turn a served answer into a failed request.
                LogObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }

    [LoggerMessage(EventId = ProxyEventIds.CompletionLogged, Level = LogLevel.Information,
        Message = "completion model={Model} path={Path} stream={Streamed} tools={HasTools} status={UpstreamStatus} latency_ms={LatencyMs} prompt_tokens={PromptTokens} completion_tokens={CompletionTokens} tool_calls={ToolCalls} format={Format} content_len={ContentLength} empty={EmptyAnswer} empty_retries={EmptyRetries} continued={Continued} error={Error}")]
    private static partial void Log(ILogger logger, string? model, CompletionPath path, bool streamed, bool hasTools, int? upstreamStatus,
        long latencyMs, int? promptTokens, int? completionTokens, int toolCalls, string? format, int contentLength, bool emptyAnswer,
        int emptyRetries, bool continued, string? error);

    [LoggerMessage(EventId = ProxyEventIds.CompletionEventPublisherObserverFailed, Level = LogLevel.Error, Message = "Completion observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, string observer, Exception exception);
}
