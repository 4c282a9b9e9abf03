using System.Text;
using OpsBot.ProxyCore.Proxy;

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
        using var stream = new OneWritePerReadStream("data: {\"a\":1}\n\n", "data: {\"a\":2}\r\n\r\n", "data: [DONE]\n\n");

        var events = await ReadAllAsync(stream);

        Assert.Equal(["{\"a\":1}", "{\"a\":2}", "[DONE]"], events.Select(e => e.Data));
        Assert.All(events, e => Assert.False(e.MoreBuffered));
    }

    private static async Task<List<(string Data, bool MoreBuffered)>> ReadAllAsync(Stream stream)
    {
        var events = new List<(string, bool)>();
        await foreach (var sse in SseEventReader.ReadAsync(stream, CancellationToken.None))
        {
            events.Add((Encoding.UTF8.GetString(sse.Data.Span), sse.MoreBuffered));
        }

        return events;
    }

    /// <summary>Hands out one piece per read, as a socket does when the upstream writes and flushes them apart.</summary>
    private sealed class OneWritePerReadStream(params string[] pieces) : Stream
    {
        private readonly Queue<byte[]> _pieces = new(pieces.Select(Encoding.UTF8.GetBytes));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (!_pieces.TryDequeue(out var piece))
            {
                return 0;
            }

            piece.CopyTo(buffer);
            return piece.Length;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
