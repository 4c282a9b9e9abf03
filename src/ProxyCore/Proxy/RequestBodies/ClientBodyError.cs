using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OpsBot.ProxyCore.Proxy.RequestBodies;

/// <summary>
/// Kestrel's framing errors on a request body (a chunked body over <c>MaxRequestBodyBytes</c>, bad chunk framing,
/// data arriving too slowly: 413, 400, 408). They surface as a <see cref="BadHttpRequestException"/> when the body is
/// read, possibly wrapped by HttpClient while the body is forwarded. Once an unhandled exception (empty body, stack
/// trace in the log); now an OpenAI-shaped answer and one warning line: it is the client's mistake.
/// </summary>
internal static partial class ClientBodyError
{
    public static BadHttpRequestException? Find(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }

    /// <summary>Logs one line and answers with the status Kestrel chose, unless the answer already started or the connection is gone.</summary>
    public static async Task RespondAsync(HttpContext context, BadHttpRequestException error, ILogger logger)
    {
        LogBadBody(logger, context.Request.Method, context.Request.Path, error.StatusCode, error.Message);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await OpenAiError.WriteResponseAsync(context, error.StatusCode, error.Message, "invalid_request_error", asSse: false, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // Kestrel may already have closed the connection (a body too slow to wait for).
        }
    }

    [LoggerMessage(EventId = ProxyEventIds.ClientBodyErrorBadBody, Level = LogLevel.Warning, Message = "Refused {Method} {Path}: the request body could not be read ({Status}: {Reason})")]
    private static partial void LogBadBody(ILogger logger, string method, PathString path, int status, string reason);
}
