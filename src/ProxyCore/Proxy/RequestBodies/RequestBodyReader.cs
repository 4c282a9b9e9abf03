using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy.RequestBodies;

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
    /// A chunked body: starts with a 64 KiB slice of the budget and doubles its buffer up to the pool's largest size
    /// class (1 MiB), then adds 1 MiB segments, each time taking the bytes from the budget first (waiting by its
    /// growth rules). A body that ends up larger than one buffer is copied once into a buffer of its exact size. So the
    /// budget counts every byte held, copies included; a body refused at the limit was never copied, and its segments
    /// go back to the pool for the next body instead of piling up in the large object heap.
    /// </summary>
    private static async Task<RequestBody?> ReadUnknownLengthAsync(HttpRequest request, long limit, RequestBodyBudget budget, RequestBufferPool pool, CancellationToken cancellationToken)
    {
        var lease = await budget.AcquireAsync(UnknownLengthStart, cancellationToken);
        var buffer = pool.Rent(UnknownLengthStart);
        List<byte[]>? full = null;
        RequestBody? body = null;
        try
        {
            long total = 0;
            var written = 0;
            while (true)
            {
                // Never read past the limit: one byte more is all it takes to know the body is too large.
                if (total == limit)
                {
                    if (!await IsAtEndAsync(request, cancellationToken))
                    {
                        return null;
                    }

                    break;
                }

                if (written == buffer.Length)
                {
                    if (full is null && buffer.Length < RequestBufferPool.MaxRetainedLength)
                    {
                        var larger = RequestBufferPool.SizeFor(buffer.Length * 2);
                        await lease.GrowAsync(larger, cancellationToken);
                        var grown = pool.Rent(larger);
                        buffer.AsSpan(0, written).CopyTo(grown);
                        pool.Return(buffer);
                        lease.Shrink(buffer.Length);
                        buffer = grown;
                    }
                    else
                    {
                        await lease.GrowAsync(RequestBufferPool.MaxRetainedLength, cancellationToken);
                        (full ??= []).Add(buffer);
                        buffer = pool.Rent(RequestBufferPool.MaxRetainedLength);
                        written = 0;
                    }
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(written, (int)Math.Min(buffer.Length - written, limit - total)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                written += read;
                total += read;
            }

            if (full is null)
            {
                return body = new RequestBody(pool, buffer, written, lease);
            }

            // Parsing and the byte-slice forwarding need the body in one piece.
            var whole = (int)total;
            await lease.GrowAsync(RequestBufferPool.SizeFor(whole), cancellationToken);
            var contiguous = pool.Rent(whole);
            var offset = 0;
            foreach (var segment in full)
            {
                segment.CopyTo(contiguous, offset);
                offset += segment.Length;
            }

            buffer.AsSpan(0, written).CopyTo(contiguous.AsSpan(offset));
            body = new RequestBody(pool, contiguous, whole, lease);
            lease.Shrink(ReturnAll(pool, full, buffer));
            return body;
        }
        finally
        {
            // Over the limit or failed: nothing was handed over, so the buffers and the bytes go back.
            if (body is null)
            {
                ReturnAll(pool, full, buffer);
                lease.Dispose();
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

    /// <summary>Returns the buffers a chunked body was read into; their bytes go back to the budget with them.</summary>
    /// <returns>The bytes returned.</returns>
    private static long ReturnAll(RequestBufferPool pool, List<byte[]>? full, byte[] current)
    {
        long bytes = current.Length;
        pool.Return(current);
        foreach (var segment in full ?? [])
        {
            bytes += segment.Length;
            pool.Return(segment);
        }

        return bytes;
    }
}
