using System.Text;
using Microsoft.AspNetCore.Http;
using OpsBot.VllmSimulator.Chat;

namespace OpsBot.VllmSimulator.Endpoints;

/// <summary>
/// A single terminal delegate instead of endpoint routing: fewer allocations per request for the benchmark,
/// and FastAPI's 404/405 bodies and the /v1-only API-key middleware are easy to mirror exactly.
/// </summary>
internal sealed class RequestRouter(SimulatorState state)
{
    private const string ChatPath = "/v1/chat/completions";
    private const string ModelsPath = "/v1/models";

    private readonly InfoEndpoints _info = new(state);
    private readonly ChatCompletionHandler _chat = new(state);
    private readonly string? _expectedAuthorization = state.Options.ApiKey is { Length: > 0 } key ? "Bearer " + key : null;

    /// <summary>Cancelled when the current listener stops, so in-flight requests are reset like a killed vLLM.</summary>
    public CancellationToken Stopping { get; set; }

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers.Server = "uvicorn";
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var isGet = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);

        // Monitoring endpoints are never authenticated and not recorded (pollers would drown the recording).
        switch (path)
        {
            case "/health" when isGet:
            case "/ping":
                await _info.HealthAsync(context).ConfigureAwait(false);
                return;
            case "/version" when isGet:
                await _info.VersionAsync(context).ConfigureAwait(false);
                return;
            case "/load" when isGet:
                await _info.LoadAsync(context).ConfigureAwait(false);
                return;
            case "/metrics" when isGet:
                await _info.MetricsAsync(context).ConfigureAwait(false);
                return;
        }

        using var body = await RequestBody.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
        var record = Record(context, body);
        if (_expectedAuthorization is not null
            && path.StartsWith("/v1", StringComparison.Ordinal)
            && !HttpMethods.IsOptions(request.Method)
            && !string.Equals(request.Headers.Authorization.ToString(), _expectedAuthorization, StringComparison.Ordinal))
        {
            record.StatusCode = 401;
            await HttpWrites.JsonAsync(context, 401, ErrorBodies.Unauthorized, context.RequestAborted).ConfigureAwait(false);
            record.MarkCompleted(state.Time.GetUtcNow());
            return;
        }

        switch (path)
        {
            case ChatPath when HttpMethods.IsPost(request.Method):
                await _chat.HandleAsync(context, record, body.Memory, Stopping).ConfigureAwait(false);
                return;
            case ModelsPath when isGet:
                record.StatusCode = 200;
                await _info.ModelsAsync(context).ConfigureAwait(false);
                break;
            case ChatPath:
            case ModelsPath:
            case "/health":
            case "/version":
            case "/load":
            case "/metrics":
                record.StatusCode = 405;
                await HttpWrites.JsonAsync(context, 405, ErrorBodies.MethodNotAllowed, context.RequestAborted).ConfigureAwait(false);
                break;
            default:
                record.StatusCode = 404;
                await HttpWrites.JsonAsync(context, 404, ErrorBodies.NotFound, context.RequestAborted).ConfigureAwait(false);
                break;
        }

        record.MarkCompleted(state.Time.GetUtcNow());
    }

    private RecordedRequest Record(HttpContext context, RequestBody body)
    {
        var request = context.Request;
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        var text = body.Length == 0 ? string.Empty : Encoding.UTF8.GetString(body.Memory.Span);
        var record = new RecordedRequest(request.Method, request.Path.Value ?? "/", headers, text, state.Time.GetUtcNow());
        state.Record(record);
        return record;
    }
}
