using System.Text;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class SseStreamObserverTests
{
    private const string Stream =
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"index\":0,\"function\":{\"name\":\"exec\",\"arguments\":\"\"}}]}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}\n\n" +
        "data: [DONE]\n\n";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Reads_usage_content_and_tool_calls_whatever_the_chunking(int chunkSize)
    {
        var observer = new SseStreamObserver();
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            observer.Observe(bytes.AsSpan(i, Math.Min(chunkSize, bytes.Length - i)), timestamp: i);
        }

        Assert.Equal(12, observer.PromptTokens);
        Assert.Equal(7, observer.CompletionTokens);
        Assert.Equal(5, observer.ContentLength);
        Assert.Equal(1, observer.ToolCalls);
        Assert.True(observer.SawDone);
        Assert.Null(observer.Error);
        Assert.Equal(0, observer.FirstByteAt);
    }

    [Fact]
    public void Reports_an_in_band_error_event()
    {
        var observer = new SseStreamObserver();

        observer.Observe("data: {\"error\":{\"message\":\"list index out of range\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\r\n\r\ndata: [DONE]\r\n\r\n"u8, 5);

        Assert.Equal("list index out of range", observer.Error);
        Assert.True(observer.SawDone);
    }

    [Fact]
    public void Ignores_lines_that_are_not_json_without_throwing()
    {
        var observer = new SseStreamObserver();

        observer.Observe(": keep-alive\n\ndata: {not json\n\nevent: x\ndata: [DONE]\n\n"u8, 1);

        Assert.True(observer.SawDone);
        Assert.Equal(0, observer.ContentLength);
    }
}
