using System.Text;
using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.ProxyCore.Proxy.Sse;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class SseEventReaderTests
{
    [Fact]
    public async Task Events_that_arrived_together_say_more_is_at_hand_except_the_last()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("data: {\"a\":1}\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n"));

        var events = await ReadAllAsync(stream);

        Assert.Equal(["{\"a\":1}", "{\"a\":2}", "[DONE]"], events.Select(e => e.Data));
        Assert.Equal([true, true, false], events.Select(e => e.MoreBuffered));
    }

    [Fact]
    public async Task An_event_read_alone_is_not_held_for_the_next_and_its_blank_line_does_not_count()
    {
        using var stream = new PiecewiseStream("data: {\"a\":1}\n\n", "data: {\"a\":2}\r\n\r\n", "data: [DONE]\n\n");

        var events = await ReadAllAsync(stream);

        Assert.Equal(["{\"a\":1}", "{\"a\":2}", "[DONE]"], events.Select(e => e.Data));
        Assert.All(events, e => Assert.False(e.MoreBuffered));
    }

    [Theory]
    [InlineData("<html><body><h1>502 Bad Gateway</h1></body></html>\n\n")]
    [InlineData("data: {\"a\":1}\n\nHTTP/1.1 200 OK\n\n")]
    public async Task A_line_that_is_not_sse_ends_the_stream_with_an_error(string body)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));

        var error = await Assert.ThrowsAsync<UpstreamStreamException>(() => ReadAllAsync(stream));

        Assert.Contains("not a server-sent event stream", error.Message);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_refused_before_it_ends_and_comments_and_fields_pass()
    {
        // The long line never ends: it must be refused once it passes the limit, not held until it does.
        using var stream = new PiecewiseStream(": keep-alive\n\nevent: x\nid: 1\ndata: {\"a\":1}\n\n", "data: \"" + new string('x', 3000), new string('x', 3000));

        var events = new List<string>();
        var error = await Assert.ThrowsAsync<UpstreamStreamException>(async () =>
        {
            await foreach (var sse in SseEventReader.ReadAsync(stream, 4096, CancellationToken.None))
            {
                events.Add(Encoding.UTF8.GetString(sse.Data.Span));
            }
        });

        Assert.Equal(["{\"a\":1}"], events);
        Assert.Contains("Proxy:MaxSseEventBytes", error.Message);
    }

    private static async Task<List<(string Data, bool MoreBuffered)>> ReadAllAsync(Stream stream)
    {
        var events = new List<(string, bool)>();
        await foreach (var sse in SseEventReader.ReadAsync(stream, 4096, CancellationToken.None))
        {
            events.Add((Encoding.UTF8.GetString(sse.Data.Span), sse.MoreBuffered));
        }

        return events;
    }
}
