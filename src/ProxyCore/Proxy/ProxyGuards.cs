using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Proxy.RequestBodies;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// What runs before every route: the last line of defence against exceptions (an OpenAI-shaped answer, never an empty
/// 500), and the optional inbound key check (<see cref="ProxyOptions.ApiKeys"/>) on <c>/v1/*</c> and <c>/metrics</c>.
/// <c>/health</c> and <c>/</c> stay open for health checks; they show nothing secret.
/// </summary>
internal static partial class ProxyGuards
{
    public static IApplicationBuilder UseOpsBotProxyGuards(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProxyGuards).FullName!);
        app.Use((context, next) => GuardAsync(context, next, logger));

        var keys = app.ApplicationServices.GetRequiredService<ApiKeyCheck>();
        if (keys.Enabled)
        {
            // Registered only when keys are set: without them the proxy is exactly the open drop-in it always was.
            app.Use((context, next) => AuthorizeAsync(context, next, keys, logger));
        }

        return app;
    }

    private static async Task GuardAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ClientBodyError.Find(ex) is { } bad)
        {
            await ClientBodyError.RespondAsync(context, bad, logger);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // A bug: keep the stack trace for whoever fixes it, and give the client an answer it can parse.
            LogUnhandled(logger, context.Request.Method, context.Request.Path, ex);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            await OpenAiError.WriteResponseAsync(context, StatusCodes.Status500InternalServerError, "The proxy failed to handle this request; see its log.", "internal_error", asSse: false, CancellationToken.None);
        }
    }

    private static Task AuthorizeAsync(HttpContext context, RequestDelegate next, ApiKeyCheck keys, ILogger logger)
    {
        var path = context.Request.Path;
        if (!(path.StartsWithSegments("/v1") || path.StartsWithSegments("/metrics")) || keys.IsAuthorized(context.Request.Headers.Authorization))
        {
            return next(context);
        }

        // Never the presented value: a near-miss key is still a key.
        LogRefused(logger, context.Request.Method, path, context.Connection.RemoteIpAddress?.ToString() ?? "?",
            context.Request.Headers.Authorization.Count == 0 ? "no Authorization header" : "wrong key");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        // Plain JSON even to a streaming client: nothing was streamed, and SDKs read a 401's body as JSON.
        return OpenAiError.WriteResponseAsync(context, StatusCodes.Status401Unauthorized,
            "Missing or wrong API key: send 'Authorization: Bearer <key>' with one of the proxy's keys (Proxy:ApiKeys).",
            "invalid_request_error", asSse: false, context.RequestAborted);
    }

    [LoggerMessage(EventId = ProxyEventIds.ProxyGuardsRefused, Level = LogLevel.Warning, Message = "Refused {Method} {Path} from {Remote}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, PathString path, string remote, string reason);

    [LoggerMessage(EventId = ProxyEventIds.ProxyGuardsUnhandled, Level = LogLevel.Error, Message = "Unhandled failure on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, PathString path, Exception exception);
}
