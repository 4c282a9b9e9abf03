using OpsBot.Alerts;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.Tests.Alerts;

public sealed class NoReplyClassifierTests
{
    private static CompletionEvent Event(CompletionPath path = CompletionPath.Rewrapped, bool streamed = true, bool empty = false, string? error = null,
        TimeSpan? firstByte = null, int? status = 200, int contentLength = 42) =>
        new()
        {
            At = AlertTestKit.Start,
            Model = "qwen3-coder",
            Streamed = streamed,
            HasTools = true,
            Path = path,
            UpstreamStatus = status,
            Latency = TimeSpan.FromSeconds(2.5),
            TimeToFirstByte = firstByte,
            PromptTokens = 1234,
            CompletionTokens = empty ? 0 : 17,
            ToolCalls = 0,
            ToolCallFormat = (ToolCallFormat?)null,
            ContentLength = contentLength,
            EmptyAnswer = empty,
            Error = error,
        };

    [Fact]
    public void The_summary_names_the_backend_only_when_there_are_several()
    {
        var several = NoReplyClassifier.Classify(Event(empty: true, contentLength: 0) with { Backend = "gpu2:8000" });
        var one = NoReplyClassifier.Classify(Event(empty: true, contentLength: 0));

        Assert.EndsWith(" backend=gpu2:8000", several!.Summary);
        Assert.DoesNotContain("backend=", one!.Summary);
    }

    [Fact]
    public void Empty_answer_fires_the_empty_answer_check_with_the_request_summary()
    {
        var signal = NoReplyClassifier.Classify(Event(empty: true, firstByte: TimeSpan.FromSeconds(2), contentLength: 0));

        Assert.NotNull(signal);
        Assert.Equal(NoReplyClassifier.EmptyAnswerCheck, signal.Check);
        Assert.Equal(NoReplySource.Proxy, signal.Source);
        Assert.Contains("model=qwen3-coder", signal.Summary);
        Assert.Contains("path=Rewrapped", signal.Summary);
        Assert.Contains("completion_tokens=0", signal.Summary);
        Assert.Contains("prompt_tokens=1234", signal.Summary);
    }

    [Theory]
    [InlineData(CompletionPath.StreamPassthrough)]
    [InlineData(CompletionPath.Streamed)]
    public void Error_event_inside_a_stream_is_a_mid_stream_failure(CompletionPath path)
    {
        var signal = NoReplyClassifier.Classify(Event(path, error: "vLLM error mid-stream: EngineCore died", firstByte: TimeSpan.FromSeconds(1)));

        Assert.Equal($"{NoReplyClassifier.MidStreamErrorCheck}: vLLM error mid-stream: EngineCore died", signal?.Check);
    }

    [Fact]
    public void A_client_that_hung_up_after_text_arrived_is_not_a_failure() =>
        Assert.Null(NoReplyClassifier.Classify(Event(CompletionPath.Streamed, error: CompletionEvent.ClientDisconnected, firstByte: TimeSpan.FromSeconds(1))));

    [Fact]
    public void Streaming_client_that_never_got_a_chunk_is_a_failure()
    {
        Assert.Equal(NoReplyClassifier.NoChunkCheck, NoReplyClassifier.Classify(Event(CompletionPath.StreamPassthrough, firstByte: null))?.Check);
        Assert.Equal($"{NoReplyClassifier.NoChunkCheck} (client disconnected)",
            NoReplyClassifier.Classify(Event(CompletionPath.UpstreamUnavailable, error: "client disconnected", firstByte: null, status: null))?.Check);
    }

    [Theory]
    [InlineData(CompletionPath.Json, false)]
    [InlineData(CompletionPath.Rewrapped, true)]
    [InlineData(CompletionPath.StreamPassthrough, true)]
    [InlineData(CompletionPath.Streamed, true)]
    public void Normal_answers_are_not_failures(CompletionPath path, bool streamed) =>
        Assert.Null(NoReplyClassifier.Classify(Event(path, streamed, firstByte: TimeSpan.FromSeconds(1))));

    [Fact]
    public void Loop_guard_answers_and_http_errors_are_answers_not_silence()
    {
        Assert.Null(NoReplyClassifier.Classify(Event(CompletionPath.LoopGuard, firstByte: null)));
        Assert.Null(NoReplyClassifier.Classify(Event(CompletionPath.UpstreamError, error: "context length exceeded", status: 400, firstByte: TimeSpan.FromSeconds(1))));
        Assert.Null(NoReplyClassifier.Classify(Event(CompletionPath.BadRequest, streamed: false, error: "bad json", firstByte: TimeSpan.Zero)));
    }
}
