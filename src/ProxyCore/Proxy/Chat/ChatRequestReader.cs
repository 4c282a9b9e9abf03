using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy.RequestBodies;
using OpsBot.ProxyCore.Proxy.Upstream;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// Stages 1-3 and 5 of <see cref="ChatCompletionsHandler"/>: accepts, reads (within <see cref="RequestBodyBudget"/>), parses and
/// checks a chat request, then notes what vLLM needs changed in it. The one read of the request is also its check:
/// nothing malformed reaches vLLM.
/// </summary>
internal sealed class ChatRequestReader(
    RequestBodyBudget budget,
    RequestBufferPool buffers,
    ToolCatalogCache catalogs,
    ProxyMetrics metrics,
    IOptions<ProxyOptions> options,
    ILogger<ChatRequestReader> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <returns>The request, or null when it was refused (the client has its error) or the client left; <paramref name="recorder"/> has which.</returns>
    public async Task<AcceptedChatRequest?> ReadAsync(HttpContext context, CompletionEventRecorder recorder)
    {
        var aborted = context.RequestAborted;
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            // Forwarding a GET here would hand the client vLLM's answer to a mistake the proxy can name.
            context.Response.Headers.Allow = "POST";
            await RejectAsync(context, recorder, StatusCodes.Status405MethodNotAllowed,
                $"Method {context.Request.Method} is not allowed on /v1/chat/completions; use POST.", param: null);
            return null;
        }

        RequestBody? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(context.Request, _options.MaxRequestBodyBytes, budget, buffers, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // Gone while waiting for the budget or sending its body: nothing reached vLLM.
            recorder.ClientLeft();
            return null;
        }
        catch (BadHttpRequestException ex)
        {
            await ClientBodyError.RespondAsync(context, ex, logger);
            recorder.Failed(CompletionPath.BadRequest, ex.Message, answered: true);
            return null;
        }

        if (body is null)
        {
            await RejectAsync(context, recorder, StatusCodes.Status413PayloadTooLarge,
                $"Request body exceeds the proxy's limit of {_options.MaxRequestBodyBytes} bytes (Proxy:MaxRequestBodyBytes).", param: null);
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Memory);
        }
        catch (JsonException ex)
        {
            using (body)
            {
                await RejectAsync(context, recorder, StatusCodes.Status400BadRequest, $"Request body is not valid JSON: {ex.Message}", param: null);
            }

            return null;
        }

        if (ChatRequest.TryParse(document, out var error, catalogs) is not { } request)
        {
            using (body)
            using (document)
            {
                await RejectAsync(context, recorder, StatusCodes.Status400BadRequest, error!.Message, error.Param);
            }

            return null;
        }

        recorder.Request = request;
        return new AcceptedChatRequest(body, document, request);
    }

    /// <summary>
    /// Stage 5: what vLLM needs changed in the request, judged against what the client asked for (dropping
    /// <c>stream_options</c> for the re-wrap is by design, not a repair), and counted in /metrics.
    /// </summary>
    public void Normalize(AcceptedChatRequest chat)
    {
        chat.Report = UpstreamBodyWriter.Analyze(chat.Request.Root, chat.Request.Stream);
        metrics.RecordNormalization(chat.Report);
    }

    /// <summary>Refuses a request before vLLM is asked: a JSON error (also to a streaming client; nothing was streamed), counted in /metrics by its event.</summary>
    private static async Task RejectAsync(HttpContext context, CompletionEventRecorder recorder, int status, string message, string? param)
    {
        try
        {
            await OpenAiError.WriteResponseAsync(context, status, message, "invalid_request_error", asSse: false, context.RequestAborted, param);
        }
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
        }

        recorder.Failed(CompletionPath.BadRequest, message, answered: true);
    }
}
