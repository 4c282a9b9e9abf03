using System.Text;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>Hands out one piece per read, as a socket does when the upstream writes and flushes them apart.</summary>
public sealed class PiecewiseStream(params string[] pieces) : Stream
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
