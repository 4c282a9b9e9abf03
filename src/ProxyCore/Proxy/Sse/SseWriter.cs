using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>Server-sent-event framing as vLLM and OpenAI use it: <c>data: &lt;json&gt;\n\n</c>, ending in <c>data: [DONE]</c>.</summary>
internal static class SseWriter
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> ErrorEnd => "\n\ndata: [DONE]\n\n"u8;

    public static void SetHeaders(HttpResponse response)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Stops nginx-style intermediaries from buffering the stream.
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Writes an error event and <c>[DONE]</c> into <paramref name="writer"/> (not yet flushed).</summary>
    /// <param name="eventOpen">Lines of an event already went out without the blank line that ends it: end it first.</param>
    public static void WriteErrorAndDone(IBufferWriter<byte> writer, ReadOnlySpan<byte> errorJson, bool eventOpen = false)
    {
        if (eventOpen)
        {
            writer.Write("\n"u8);
        }

        writer.Write(DataPrefix);
        writer.Write(errorJson);
        writer.Write(ErrorEnd);
    }

    /// <summary>An error event and <c>[DONE]</c>, in one write (Kestrel sends every write on its own).</summary>
    public static async Task WriteErrorAndDoneAsync(HttpResponse response, ReadOnlyMemory<byte> errorJson, CancellationToken cancellationToken)
    {
        var length = DataPrefix.Length + errorJson.Length + ErrorEnd.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            DataPrefix.CopyTo(buffer);
            errorJson.Span.CopyTo(buffer.AsSpan(DataPrefix.Length));
            ErrorEnd.CopyTo(buffer.AsSpan(DataPrefix.Length + errorJson.Length));
            await response.Body.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
