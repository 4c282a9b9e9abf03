using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Reads a whole request body into one contiguous buffer, refusing bodies over the limit.</summary>
internal static class RequestBodyReader
{
    /// <returns>The body, or null when it exceeds <paramref name="limit"/>.</returns>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            // Known length (OpenClaw always sends one): a single exact allocation.
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            var memory = buffer.GetMemory(16 * 1024);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenMemory;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
