using System.Net;

namespace OpsBot.Hosting;

/// <summary>
/// Ends the proxy's exchanges with vLLM when the listener's drain time is up, as a broken upstream would end them, so every
/// handler answers its client the way it already answers a vLLM failure (an OpenAI error, or an SSE error event then
/// <c>data: [DONE]</c>) instead of Kestrel resetting the connection. Until then nothing changes: requests finish normally.
/// </summary>
internal sealed class UpstreamDrainHandler(CancellationToken drain) : DelegatingHandler
{
    public const string Message = "OpsBot is shutting down; the request to vLLM was ended before vLLM finished";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ThrowIfDraining();
        HttpResponseMessage response;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain))
        {
            try
            {
                response = await base.SendAsync(request, linked.Token);
            }
            catch (OperationCanceledException) when (drain.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Not a client cancellation and not a connection error (those are retried while vLLM restarts): a plain failure.
                throw new HttpRequestException(Message);
            }
        }

        response.Content = new DrainingContent(response.Content, drain);
        return response;
    }

    private void ThrowIfDraining()
    {
        if (drain.IsCancellationRequested)
        {
            throw new HttpRequestException(Message);
        }
    }

    /// <summary>The upstream body, cut with an <see cref="IOException"/> when the drain time is up.</summary>
    private sealed class DrainingContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly CancellationToken _drain;

        public DrainingContent(HttpContent inner, CancellationToken drain)
        {
            _inner = inner;
            _drain = drain;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var source = await CreateContentReadStreamAsync(cancellationToken);
            await source.CopyToAsync(stream, cancellationToken);
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new DrainingStream(await _inner.ReadAsStreamAsync(cancellationToken), _drain);

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? 0;
            return _inner.Headers.ContentLength is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Closes the upstream stream when the drain fires (one registration per response, nothing per read).</summary>
    private sealed class DrainingStream : Stream
    {
        private readonly Stream _inner;
        private readonly CancellationToken _drain;
        private readonly CancellationTokenRegistration _registration;

        public DrainingStream(Stream inner, CancellationToken drain)
        {
            _inner = inner;
            _drain = drain;
            _registration = drain.Register(static state => ((Stream)state!).Dispose(), inner);
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await _inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception ex) when (_drain.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException(Message, ex);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return _inner.Read(buffer, offset, count);
            }
            catch (Exception ex) when (_drain.IsCancellationRequested)
            {
                throw new IOException(Message, ex);
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _registration.Dispose();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await _registration.DisposeAsync();
            await _inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
