using System.Text;
using OpsBot.ProxyCore.Proxy.Sse;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class SseChunkEmitterTests
{
    [Fact]
    public async Task Streaming_sends_each_event_whole_in_one_write()
    {
        var body = new WriteCountingStream();
        using var emitter = new SseChunkEmitter(body, new ChunkHeader("chatcmpl-1", 1700000000, "m"));

        await emitter.RoleAsync(0, CancellationToken.None);
        await emitter.ContentAsync(0, "4", CancellationToken.None);
        await emitter.FinishAsync(0, "stop", CancellationToken.None);
        await emitter.DoneAsync(CancellationToken.None);

        Assert.Equal(4, body.Writes.Count);
        Assert.All(body.Writes.Take(3), w => Assert.Matches("^data: \\{.*\\}\n\n$", w));
        Assert.Contains("\"content\":\"4\"", body.Writes[1], StringComparison.Ordinal);
        Assert.Equal("data: [DONE]\n\n", body.Writes[3]);
    }

    [Fact]
    public async Task A_deferred_answer_goes_out_in_one_write_at_done()
    {
        var body = new WriteCountingStream();
        using var emitter = new SseChunkEmitter(body, new ChunkHeader("chatcmpl-1", 1700000000, "m")) { Defer = true };

        await emitter.RoleAsync(0, CancellationToken.None);
        await emitter.ContentAsync(0, "4", CancellationToken.None);
        Assert.Empty(body.Writes);
        await emitter.FinishAsync(0, "stop", CancellationToken.None);
        await emitter.DoneAsync(CancellationToken.None);

        var write = Assert.Single(body.Writes);
        Assert.Equal(4, write.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("data: [DONE]\n\n", write, StringComparison.Ordinal);
    }

    private sealed class WriteCountingStream : MemoryStream
    {
        public List<string> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(Encoding.UTF8.GetString(buffer.Span));
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
