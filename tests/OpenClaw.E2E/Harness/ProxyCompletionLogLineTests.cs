using OpsBot.OpenClaw.E2E.Infrastructure;

namespace OpsBot.OpenClaw.E2E.Harness;

public sealed class ProxyCompletionLogLineTests
{
    [Fact]
    public void TryParse_reads_the_fields_of_a_single_line_console_entry()
    {
        const string line = "12:41:47 info: OpsBot.ProxyCore.Events.CompletionEventPublisher[100] completion " +
            "model=Qwen/Qwen3-Coder-Next-FP8 path=Streamed stream=True tools=True status=200 latency_ms=545 " +
            "prompt_tokens=16492 completion_tokens=0 tool_calls=0 format= content_len=0 empty=True empty_retries=1 continued=True error=";

        var parsed = ProxyCompletionLogLine.TryParse(line);

        Assert.NotNull(parsed);
        Assert.Equal("Streamed", parsed.Path);
        Assert.True(parsed.Streamed);
        Assert.True(parsed.HasTools);
        Assert.Equal(200, parsed.UpstreamStatus);
        Assert.Equal(0, parsed.CompletionTokens);
        Assert.Null(parsed.Format);
        Assert.True(parsed.EmptyAnswer);
        Assert.Equal(1, parsed.EmptyRetries);
        Assert.True(parsed.Continued);
        Assert.Null(parsed.Error);
    }

    [Fact]
    public void TryParse_keeps_an_error_with_spaces_whole()
    {
        const string line = "completion model=m path=UpstreamError stream=False tools=False status=500 latency_ms=3 " +
            "prompt_tokens= completion_tokens= tool_calls=0 format= content_len=0 empty=False error=upstream said: list index out of range";

        var parsed = ProxyCompletionLogLine.TryParse(line);

        Assert.NotNull(parsed);
        Assert.False(parsed.EmptyAnswer);
        Assert.Null(parsed.CompletionTokens);
        Assert.Equal("upstream said: list index out of range", parsed.Error);
    }

    [Fact]
    public void TryParse_ignores_other_log_lines()
    {
        Assert.Null(ProxyCompletionLogLine.TryParse("info: OpsBot.Hosting.ProxyListener[10] Proxy listening on http://127.0.0.1:1/"));
    }
}
