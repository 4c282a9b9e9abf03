using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Reads a whole request body into one pooled buffer (<see cref="RequestBufferPool"/>) within the <see cref="RequestBodyBudget"/>, refusing bodies over the limit.</summary>
internal static class RequestBodyReader
{
    private const int UnknownLengthStart = 64 * 1024;

    /// <returns>The body, or null when it exceeds <paramref name="limit"/>.</returns>
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
                if (written == buffer.Length)
                {
                    var larger = pool.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, written).CopyTo(larger);
                    pool.Return(buffer);
                    lease.Grow(larger.Length - buffer.Length);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(written), cancellationToken);
                if (read == 0)
                {
                    return body = new RequestBody(pool, buffer, written, lease);
                }

                written += read;
                if (written > limit)
                {
                    return null;
                }
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

    private static void GiveBack(RequestBufferPool pool, byte[]? buffer, RequestBodyLease lease)
    {
        if (buffer is not null)
        {
            pool.Return(buffer);
        }

        lease.Dispose();
    }
}
