using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Reads a whole request body into one pooled buffer (<see cref="RequestBufferPool"/>) within the <see cref="RequestBodyBudget"/>, refusing bodies over the limit.</summary>
internal static class RequestBodyReader
{
    private const int UnknownLengthStart = 64 * 1024;

    /// <returns>The body, or null when it exceeds <paramref name="limit"/>.</returns>
    /// <exception cref="BadHttpRequestException">Kestrel could not read the body (bad chunking, too slow, over its own limit).</exception>
    public static async Task<RequestBody?> ReadAsync(HttpRequest request, long limit, RequestBodyBudget budget, RequestBufferPool pool, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            // Known length (OpenClaw always sends one): wait for the bytes, then read into one buffer of that size.
            var lease = await budget.AcquireAsync(length, cancellationToken);
            byte[]? exact = null;
            try
            {
                exact = pool.Rent((int)length);
                await request.Body.ReadExactlyAsync(exact.AsMemory(0, (int)length), cancellationToken);
                return new RequestBody(pool, exact, (int)length, lease);
            }
            catch
            {
                GiveBack(pool, exact, lease);
                throw;
            }
        }

        return await ReadUnknownLengthAsync(request, limit, budget, pool, cancellationToken);
    }

    /// <summary>
    /// A chunked body: starts with a 64 KiB slice of the budget and doubles its buffer as it fills, each time
    /// taking the new buffer's bytes from the budget first (waiting by its growth rules) and giving the old one's
    /// back after the copy, so the budget counts every byte it holds, the copy included.
    /// </summary>
    private static async Task<RequestBody?> ReadUnknownLengthAsync(HttpRequest request, long limit, RequestBodyBudget budget, RequestBufferPool pool, CancellationToken cancellationToken)
    {
        var lease = await budget.AcquireAsync(UnknownLengthStart, cancellationToken);
        byte[]? buffer = null;
        RequestBody? body = null;
        try
        {
            buffer = pool.Rent(UnknownLengthStart);
            var written = 0;
            while (true)
            {
                // Never read past the limit: one byte more is all it takes to know the body is too large.
                var readable = (int)Math.Min(buffer.Length, limit);
                if (written == readable)
                {
                    if (readable == limit)
                    {
                        return await IsAtEndAsync(request, cancellationToken) ? body = new RequestBody(pool, buffer, written, lease) : null;
                    }

                    var size = RequestBufferPool.SizeFor((int)Math.Min((long)buffer.Length * 2, limit));
                    await lease.GrowAsync(size, cancellationToken);
                    var larger = pool.Rent(size);
                    buffer.AsSpan(0, written).CopyTo(larger);
                    pool.Return(buffer);
                    lease.Shrink(buffer.Length);
                    buffer = larger;
                    readable = (int)Math.Min(buffer.Length, limit);
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(written, readable - written), cancellationToken);
                if (read == 0)
                {
                    return body = new RequestBody(pool, buffer, written, lease);
                }

                written += read;
            }
        }
        finally
        {
            // Over the limit or failed: nothing was handed over, so the buffer and the bytes go back.
            if (body is null)
            {
                GiveBack(pool, buffer, lease);
            }
        }
    }

    private static async Task<bool> IsAtEndAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var probe = new byte[1];
        return await request.Body.ReadAsync(probe, cancellationToken) == 0;
    }

    private static void GiveBack(RequestBufferPool pool, byte[]? buffer, RequestBodyLease lease)
    {
        if (buffer is not null)
        {
            pool.Return(buffer);
        }

        lease.Dispose();
    }
}
