using Microsoft.AspNetCore.Http;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Server-sent-event framing as vLLM and OpenAI use it: <c>data: &lt;json&gt;\n\n</c>, ending in <c>data: [DONE]</c>.</summary>
public static class SseWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public static void SetHeaders(HttpResponse response)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Stops nginx-style intermediaries from buffering the stream.
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public static async ValueTask WriteEventAsync(Stream body, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        await body.WriteAsync(DataPrefix, cancellationToken);
        await body.WriteAsync(json, cancellationToken);
        await body.WriteAsync(EventEnd, cancellationToken);
    }

    public static ValueTask WriteDoneAsync(Stream body, CancellationToken cancellationToken) => body.WriteAsync(Done, cancellationToken);

    public static async Task WriteErrorAndDoneAsync(HttpResponse response, ReadOnlyMemory<byte> errorJson, CancellationToken cancellationToken)
    {
        await WriteEventAsync(response.Body, errorJson, cancellationToken);
        await WriteDoneAsync(response.Body, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
