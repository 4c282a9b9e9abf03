using System.Text;
using Microsoft.AspNetCore.Http;

namespace OpsBot.VllmSimulator.Endpoints;

/// <summary>Fixed-length responses like Starlette's JSONResponse/PlainTextResponse (Content-Length, no chunking).</summary>
internal static class HttpWrites
{
    public static Task JsonAsync(HttpContext context, int status, string body, CancellationToken cancellationToken) =>
        BytesAsync(context, status, "application/json", Encoding.UTF8.GetBytes(body), cancellationToken);

    public static async Task BytesAsync(HttpContext context, int status, string? contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        if (contentType is not null)
        {
            context.Response.ContentType = contentType;
        }

        context.Response.ContentLength = body.Length;
        if (body.Length > 0)
        {
            await context.Response.BodyWriter.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        }
    }
}
