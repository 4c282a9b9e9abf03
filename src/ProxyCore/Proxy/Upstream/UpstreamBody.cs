using System.Net.Http.Headers;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>
/// The bytes of a request to vLLM, as slices of the client's body with a few written pieces between them, so an
/// unchanged 1 MiB conversation is sent from the buffer it arrived in instead of being copied.
/// </summary>
internal sealed class UpstreamBody
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly ReadOnlyMemory<byte>[] _segments;

    public UpstreamBody(params ReadOnlyMemory<byte>[] segments)
    {
        _segments = segments;
        foreach (var segment in segments)
        {
            Length += segment.Length;
        }
    }

    public long Length { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Segments => _segments;

    /// <summary>A new content per attempt: a retried request needs one that has not been sent.</summary>
    public HttpContent CreateContent()
    {
        HttpContent content = _segments.Length == 1 ? new ReadOnlyMemoryContent(_segments[0]) : new SegmentsContent(this);
        content.Headers.ContentType = JsonMediaType;
        return content;
    }

    public byte[] ToArray()
    {
        var array = new byte[Length];
        var offset = 0;
        foreach (var segment in _segments)
        {
            segment.Span.CopyTo(array.AsSpan(offset));
            offset += segment.Length;
        }

        return array;
    }

    private sealed class SegmentsContent(UpstreamBody body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            foreach (var segment in body._segments)
            {
                await stream.WriteAsync(segment, cancellationToken);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override void SerializeToStream(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            foreach (var segment in body._segments)
            {
                stream.Write(segment.Span);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
