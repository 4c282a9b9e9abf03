using System.Text;
using OpsBot.Ops.SmokeTests;

namespace OpsBot.Tests.Ops;

public sealed class SseChatStreamReaderTests
{
    private static Task<SseChatSummary> Read(string sse) =>
        SseChatStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(sse)), CancellationToken.None);

    [Fact]
    public async Task Assembles_streamed_tool_call_arguments_and_sees_done()
    {
        var summary = await Read("""
            data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","type":"function","index":0,"function":{"name":"read_file","arguments":""}}]}}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\": "}}]}}]}

            data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"/tmp/a\"}"}}]}}]}

            data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}

            data: [DONE]


            """);

        Assert.True(summary.SawDone);
        Assert.Equal(6, summary.Chunks);
        Assert.Equal(["read_file({\"path\": \"/tmp/a\"})"], summary.ToolCalls);
        Assert.Equal("tool_calls", summary.FinishReason);
        Assert.Null(summary.Error);
    }

    [Fact]
    public async Task Reports_an_event_that_is_not_json()
    {
        var summary = await Read("data: {\"choices\":[]}\n\ndata: {broken\n\ndata: [DONE]\n\n");

        Assert.True(summary.SawDone);
        Assert.StartsWith("event 2 is not JSON", summary.Error);
    }

    [Fact]
    public async Task A_stream_cut_short_has_no_done()
    {
        var summary = await Read("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"4\"}}]}\n\n");

        Assert.False(summary.SawDone);
        Assert.Equal("4", summary.Content);
    }
}
