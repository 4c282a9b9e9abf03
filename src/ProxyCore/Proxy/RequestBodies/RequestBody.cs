namespace OpsBot.ProxyCore.Proxy.RequestBodies;

/// <summary>
/// A request body read whole into a pooled buffer, holding its share of <see cref="RequestBodyBudget"/>.
/// Everything parsed from it (the request's <c>JsonDocument</c>, slices sent upstream) must be done before it is disposed.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private readonly RequestBufferPool _pool;
    private readonly RequestBodyLease _lease;
    private byte[]? _buffer;

    internal RequestBody(RequestBufferPool pool, byte[] buffer, int length, RequestBodyLease lease)
    {
        _pool = pool;
        _buffer = buffer;
        Length = length;
        _lease = lease;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => new(_buffer ?? throw new ObjectDisposedException(nameof(RequestBody)), 0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            _pool.Return(buffer);
            _lease.Dispose();
        }
    }
}
