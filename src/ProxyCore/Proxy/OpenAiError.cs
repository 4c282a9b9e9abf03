using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpsBot.ProxyCore.Proxy.Sse;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Errors in the shape OpenAI clients parse: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiError
{
    public static void Write(Utf8JsonWriter writer, string message, string type, int code, string? param = null)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        if (param is null) writer.WriteNull("param"); else writer.WriteString("param", param);
        writer.WriteNumber("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] ToJson(string message, string type, int code, string? param = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, message, type, code, param);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Answers with an error status. A streaming client gets the error as an SSE event followed by
    /// <c>[DONE]</c> so SSE parsers see a well-formed stream; others get plain JSON.
    /// </summary>
    /// <param name="param">The request field at fault, as OpenAI names it (<c>messages[2].role</c>).</param>
    public static async Task WriteResponseAsync(HttpContext context, int status, string message, string type, bool asSse, CancellationToken cancellationToken, string? param = null)
    {
        var json = ToJson(message, type, status, param);
        if (context.Response.HasStarted)
        {
            // Headers are gone; the only thing left to say is an SSE error event.
            await SseWriter.WriteErrorAndDoneAsync(context.Response, json, cancellationToken);
            return;
        }

        context.Response.StatusCode = status;
        if (asSse)
        {
            SseWriter.SetHeaders(context.Response);
            await SseWriter.WriteErrorAndDoneAsync(context.Response, json, cancellationToken);
        }
        else
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = json.Length;
            await context.Response.Body.WriteAsync(json, cancellationToken);
        }
    }
}
