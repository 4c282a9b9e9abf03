using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Upstream;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// What one chat request has shown so far. Each stage of <see cref="ChatCompletionsHandler"/> writes what it
/// learns; the handler publishes it once, as a <see cref="CompletionEvent"/>, when the request is done.
/// </summary>
/// <remarks>A new fact about a request is one property here and one in <see cref="CompletionEvent"/>, set where it becomes known.</remarks>
internal sealed class CompletionEventRecorder(CompletionEventPublisher events, TimeProvider time)
{
    private bool _answeredAtEnd;
    private bool _published;

    /// <summary>When the request arrived (a <see cref="TimeProvider"/> timestamp).</summary>
    public long Started { get; } = time.GetTimestamp();

    /// <summary>Model, stream and tools come from it; null while the request is not read (or could not be).</summary>
    public ChatRequest? Request { get; set; }

    public CompletionPath? Path { get; set; }

    public int? UpstreamStatus { get; set; }

    /// <summary>The vLLM backend that answered, with several backends (<see cref="Backends.UpstreamBackendFeature"/>).</summary>
    public string? Backend { get; set; }

    public TimeSpan? TimeToFirstByte { get; set; }

    public int? PromptTokens { get; set; }

    public int? CompletionTokens { get; set; }

    public int ToolCalls { get; set; }

    public ToolCallFormat? ToolCallFormat { get; set; }

    public int ContentLength { get; set; }

    public bool EmptyAnswer { get; set; }

    /// <summary>Extra attempts after empty answers so far; what is left of Proxy:EmptyAnswerRetries is counted from it.</summary>
    public int EmptyRetries { get; set; }

    public bool Continued { get; set; }

    public string? Error { get; set; }

    public TimeSpan Elapsed => time.GetElapsedTime(Started);

    /// <summary>How long after the request arrived <paramref name="timestamp"/> (a <see cref="TimeProvider"/> timestamp) was.</summary>
    public TimeSpan Since(long timestamp) => time.GetElapsedTime(Started, timestamp);

    /// <summary>The client got its whole answer (or error) in one piece as the request ended: its first byte went out then.</summary>
    public void AnsweredAtEnd() => _answeredAtEnd = true;

    /// <summary>A whole completion was answered, as JSON or re-wrapped as SSE.</summary>
    public void Completed(CompletionPath path, int? upstreamStatus, UpstreamCompletion completion)
    {
        Path = path;
        UpstreamStatus = upstreamStatus;
        PromptTokens = completion.PromptTokens;
        CompletionTokens = completion.CompletionTokens;
        ToolCalls = completion.ToolCallCount;
        ToolCallFormat = completion.Format;
        ContentLength = completion.ContentLength;
        EmptyAnswer = completion.IsEmpty;
        AnsweredAtEnd();
    }

    /// <param name="answered">The client got an error answer; false when it left first.</param>
    public void Failed(CompletionPath path, string error, bool answered, int? upstreamStatus = null)
    {
        Path = path;
        UpstreamStatus = upstreamStatus;
        Error = error;
        if (answered)
        {
            AnsweredAtEnd();
        }
    }

    /// <summary>The client left before anything was answered; vLLM was not asked, or its answer is abandoned.</summary>
    public void ClientLeft() => Failed(CompletionPath.UpstreamUnavailable, CompletionEvent.ClientDisconnected, answered: false);

    /// <summary>Sends the one event of this request to the log and the observers.</summary>
    public void Publish()
    {
        if (_published)
        {
            throw new InvalidOperationException("A request's completion event is published once.");
        }

        _published = true;
        var latency = Elapsed;
        events.Publish(new CompletionEvent
        {
            At = time.GetUtcNow(),
            Model = Request?.Model,
            Streamed = Request?.Stream ?? false,
            HasTools = Request?.HasTools ?? false,
            Path = Path ?? throw new InvalidOperationException("The request ended without an outcome."),
            UpstreamStatus = UpstreamStatus,
            Backend = Backend,
            Latency = latency,
            TimeToFirstByte = _answeredAtEnd ? latency : TimeToFirstByte,
            PromptTokens = PromptTokens,
            CompletionTokens = CompletionTokens,
            ToolCalls = ToolCalls,
            ToolCallFormat = ToolCallFormat,
            ContentLength = ContentLength,
            EmptyAnswer = EmptyAnswer,
            EmptyRetries = EmptyRetries,
            Continued = Continued,
            Error = Error,
        });
    }
}
