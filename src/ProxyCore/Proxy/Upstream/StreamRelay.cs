using System.Buffers;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>Copies an upstream body to the client chunk by chunk, flushing each so streams are not buffered.</summary>
internal static class StreamRelay
{
    private const int BufferSize = 16 * 1024;

    /// <summary>
    /// Relays until the upstream body ends. <paramref name="idle"/> is re-armed on every chunk so a
    /// long but live stream is not cut while a stalled one is.
    /// </summary>
    /// <param name="excerpt">Keeps the start of the body (an error's) for the log; the rest only passes through.</param>
    public static async Task<long> CopyAsync(Stream source, Stream destination, UpstreamExcerpt? excerpt, CancellationTokenSource idle, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), idle.Token);
                if (read == 0)
                {
                    return total;
                }

                excerpt?.Capture(buffer.AsSpan(0, read));
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await destination.FlushAsync(cancellationToken);
                total += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
