using System.IO.Pipelines;
using System.Text;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.ProxyCore.Proxy.Sse;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class SseRelayTests
{
    private const string Stream =
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n" +
        ": keep-alive\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"index\":0,\"function\":{\"name\":\"exec\",\"arguments\":\"\"}}]}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}\n\n" +
        "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,\"total_tokens\":19}}\r\n\r\n" +
        "data: [DONE]\n\n";

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(100_000)]
    public async Task Relays_a_good_stream_unchanged_and_reads_usage_content_and_tool_calls_whatever_the_chunking(int chunkSize)
    {
        var pieces = Enumerable.Range(0, (Stream.Length + chunkSize - 1) / chunkSize).Select(i => Stream.Substring(i * chunkSize, Math.Min(chunkSize, Stream.Length - i * chunkSize))).ToArray();

        var (output, observer) = await RelayAsync(pieces);

        Assert.Equal(Stream, output);
        Assert.Equal(12, observer.PromptTokens);
        Assert.Equal(7, observer.CompletionTokens);
        Assert.Equal(5, observer.ContentLength);
        Assert.Equal(1, observer.ToolCalls);
        Assert.True(observer.SawDone);
        Assert.Null(observer.Error);
        Assert.NotNull(observer.FirstByteAt);
    }

    [Fact]
    public async Task Relays_vllms_in_band_error_event_and_reports_it()
    {
        const string Body = "data: {\"error\":{\"message\":\"list index out of range\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\r\n\r\ndata: [DONE]\r\n\r\n";

        var (output, observer) = await RelayAsync(Body);

        Assert.Equal(Body, output);
        Assert.Equal("list index out of range", observer.Error);
    }

    [Fact]
    public async Task Garbage_after_an_event_is_not_relayed_the_stream_ends_with_an_error_event_and_done()
    {
        const string First = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";

        var (output, observer) = await RelayAsync(First, "<html><body><h1>502 Bad Gateway</h1></body></html>\n\n", "data: [DONE]\n\n");

        Assert.StartsWith(First, output);
        AssertEndsWithErrorAndDone(output, "not a server-sent event stream");
        Assert.DoesNotContain("<html>", output);
        Assert.Contains("502 Bad Gateway", observer.Error);
    }

    [Fact]
    public async Task A_stream_closed_in_the_middle_of_an_event_gets_the_event_closed_then_an_error_and_done()
    {
        var (output, observer) = await RelayAsync("data: {\"choices\":[]}\n", "data: {\"choi");

        Assert.StartsWith("data: {\"choices\":[]}\n\ndata: {\"error\"", output);
        AssertEndsWithErrorAndDone(output, "ended without data: [DONE]");
        Assert.False(observer.SawDone);
        Assert.Contains("[DONE]", observer.Error);
    }

    [Theory]
    [InlineData("data: {not json\n\n", "not JSON")]
    [InlineData("data: {\"a\":1} trailing\n\n", "not JSON")]
    [InlineData("data: {\"content\":\"\\ud800\"}\n\n", "not valid UTF-8")]
    public async Task A_payload_no_client_can_read_ends_the_stream(string line, string reason)
    {
        var (output, observer) = await RelayAsync(line, "data: [DONE]\n\n");

        AssertEndsWithErrorAndDone(output, reason);
        Assert.DoesNotContain(line.Trim(), output);
        Assert.Contains(reason, observer.Error);
    }

    [Fact]
    public async Task Invalid_utf8_bytes_in_a_payload_end_the_stream()
    {
        var bytes = Encoding.UTF8.GetBytes("data: {\"content\":\"x\"}\n\n").ToList();
        bytes.Insert(bytes.IndexOf((byte)'x'), 0xFF);

        var (output, observer) = await RelayAsync(new MemoryStream([.. bytes, .. "data: [DONE]\n\n"u8.ToArray()]), maxEventBytes: 4096);

        AssertEndsWithErrorAndDone(output, "not valid UTF-8");
        Assert.NotNull(observer.Error);
    }

    [Fact]
    public async Task An_event_larger_than_the_limit_is_never_held_whole_nor_relayed_in_part()
    {
        var huge = "data: {\"content\":\"" + new string('x', 10_000);

        var (output, observer) = await RelayAsync(new PiecewiseStream("data: {\"a\":1}\n\n", huge[..5000], huge[5000..], "\"}\n\ndata: [DONE]\n\n"), maxEventBytes: 4096);

        Assert.StartsWith("data: {\"a\":1}\n\ndata: {\"error\"", output);
        Assert.DoesNotContain("xxxx", output);
        AssertEndsWithErrorAndDone(output, "Proxy:MaxSseEventBytes");
        Assert.Contains("4096 bytes", observer.Error);
    }

    private static void AssertEndsWithErrorAndDone(string output, string reason)
    {
        var events = SseEvents.Data(output);
        Assert.Equal("[DONE]", events[^1]);
        var error = SseEvents.Json(events[^2]).GetProperty("error");
        Assert.Contains(reason, error.GetProperty("message").GetString());
        Assert.Equal("upstream_error", error.GetProperty("type").GetString());
        Assert.EndsWith("\n\ndata: [DONE]\n\n", output);
    }

    private static Task<(string Output, SseStreamObserver Observer)> RelayAsync(params string[] pieces) =>
        RelayAsync(new PiecewiseStream(pieces), maxEventBytes: 64 * 1024);

    private static async Task<(string Output, SseStreamObserver Observer)> RelayAsync(Stream source, int maxEventBytes)
    {
        var observer = new SseStreamObserver();
        using var destination = new MemoryStream();
        var writer = PipeWriter.Create(destination, new StreamPipeWriterOptions(leaveOpen: true));
        using var idle = new CancellationTokenSource();
        await SseRelay.RelayAsync(source, writer, observer, maxEventBytes, TimeProvider.System, idle, TimeSpan.FromSeconds(30), CancellationToken.None);
        await writer.CompleteAsync();
        return (Encoding.UTF8.GetString(destination.ToArray()), observer);
    }
}
