using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Proxy.RequestBodies;
using OpsBot.ProxyCore.Proxy.Sse;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>Forwards any <c>/v1/*</c> request to vLLM unchanged and streams the answer back.</summary>
internal sealed partial class PassthroughForwarder
{
    private readonly UpstreamSender _sender;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PassthroughForwarder> _logger;

    public PassthroughForwarder(UpstreamSender sender, IOptions<ProxyOptions> options, TimeProvider time, ILogger<PassthroughForwarder> logger)
    {
        _sender = sender;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            // The body streams straight through, so it can be sent only once: no waiting for a restart.
            var body = new StreamContent(request.Body);
            return SendAndRelayAsync(context, () => body, conversation: null, observer: null, canRetry: false, canResend: false);
        }

        return SendAndRelayAsync(context, static () => null, conversation: null, observer: null);
    }

    /// <summary>Sends the request upstream and relays status, headers and body as they arrive.</summary>
    /// <param name="conversation">The chat request whose messages choose the backend, or null.</param>
    /// <param name="observer">
    /// Set for a streaming chat completion: a successful answer is relayed event by event and always ends with
    /// <c>[DONE]</c> (<see cref="SseRelay"/>); what went wrong (an error status's message, a broken stream) is left in
    /// <see cref="SseStreamObserver.Error"/>, cut for the log.
    /// </param>
    /// <returns>The upstream status, or null when vLLM could not be reached (the client already got an error).</returns>
    public async Task<int?> SendAndRelayAsync(HttpContext context, Func<HttpContent?> content, JsonElement? conversation, SseStreamObserver? observer, bool canRetry = true, bool canResend = true)
    {
        var aborted = context.RequestAborted;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        idle.CancelAfter(_options.UpstreamTimeout);
        try
        {
            using var response = await _sender.SendAsync(context.Request, content, conversation, canRetry, idle.Token, canResend);
            var status = (int)response.StatusCode;
            var isEventStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            await using var body = await response.Content.ReadAsStreamAsync(idle.Token);
            if (observer is not null && response.IsSuccessStatusCode && !isEventStream)
            {
                // A streaming request answered with something else (an HTML page from a proxy in front of vLLM...).
                var excerpt = await UpstreamExcerpt.ReadAsync(body, idle.Token);
                observer.Error = $"vLLM answered a streaming request with {response.Content.Headers.ContentType?.MediaType ?? "no content type"}, not an event stream: {excerpt.Message()}";
                LogUpstreamFailed(_logger, context.Request.Path, 502, observer.Error);
                await OpenAiError.WriteResponseAsync(context, 502, observer.Error, "upstream_invalid_response", asSse: true, aborted);
                return status;
            }

            UpstreamRequestFactory.CopyResponseHeaders(response, context.Response, bodyRewritten: false);
            if (isEventStream)
            {
                context.Response.Headers.CacheControl = "no-cache";
            }

            if (observer is not null && response.IsSuccessStatusCode)
            {
                // The relay may end the stream with an event of its own: whatever length vLLM announced no longer holds.
                context.Response.ContentLength = null;
                await SseRelay.RelayAsync(body, context.Response.BodyWriter, observer, _options.MaxSseEventBytes, _time, idle, _options.UpstreamTimeout, aborted);
                return status;
            }

            // Error bodies and other endpoints go through as they are, never held; only the start of an error is kept.
            var errorExcerpt = observer is not null ? new UpstreamExcerpt() : null;
            await StreamRelay.CopyAsync(body, context.Response.Body, errorExcerpt, idle, _options.UpstreamTimeout, aborted);
            if (observer is not null)
            {
                observer.FirstByteAt ??= _time.GetTimestamp();
                observer.Error = errorExcerpt!.Message();
            }

            return status;
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested && ClientBodyError.Find(ex) is { } bad)
        {
            // The client's own body broke while it was being sent on (bad chunking, too slow): its mistake, not vLLM's.
            await ClientBodyError.RespondAsync(context, bad, _logger);
            return null;
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested && ex is HttpRequestException or OperationCanceledException or IOException or UpstreamUnavailableException)
        {
            var (status, type, text) = UpstreamFailure.Describe(ex, _sender.UpstreamName, _options.UpstreamTimeout);
            LogUpstreamFailed(_logger, context.Request.Path, status, text);
            if (observer is not null)
            {
                observer.Error = text;
            }

            if (context.Response.HasStarted && observer is null)
            {
                // Part of a non-SSE body is already out; cutting the connection is the only honest signal left.
                context.Abort();
                return null;
            }

            await OpenAiError.WriteResponseAsync(context, status, text, type, asSse: observer is not null, CancellationToken.None);
            return null;
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            // The client left; disposing the upstream response above already told vLLM to stop.
            return null;
        }
    }

    [LoggerMessage(EventId = ProxyEventIds.PassthroughForwarderUpstreamFailed, Level = LogLevel.Warning, Message = "Upstream request {Path} failed with {Status}: {Reason}")]
    private static partial void LogUpstreamFailed(ILogger logger, PathString path, int status, string reason);
}
