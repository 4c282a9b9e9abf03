using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Metrics;
using Prometheus;
using OpsBot.ProxyCore.Proxy.Chat;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Routes of the proxy, the same as the Python proxy's: <c>/</c>, <c>/health</c> and <c>/v1/*</c>.</summary>
internal static class ProxyEndpoints
{
    public static IEndpointRouteBuilder MapOpsBotProxy(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ProxyOptions>>().Value;
        var version = typeof(ProxyEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

        var extraFields = endpoints.ServiceProvider.GetServices<IHealthFieldSource>().ToArray();

        // Same body as the Python proxy so existing health checks keep working; extra fields are additive.
        // Plain RequestDelegates here too: the first /health after start must not wait for the minimal-API binder.
        endpoints.MapGet("/health", context =>
        {
            var body = new Dictionary<string, object?>
            {
                ["status"] = "ok",
                ["version"] = "v4",
                // Never the user info of the URL (http://user:pass@host): /health is open to anyone who can reach the port.
                ["vllm_url"] = options.VllmDisplayUrl,
                ["proxy"] = "opsbot",
                ["opsbot_version"] = version,
            };
            foreach (var source in extraFields)
            {
                source.AddFields(body);
            }

            return InfoJson.WriteAsync(context, body);
        });

        endpoints.MapGet("/", context => InfoJson.WriteAsync(context, new Dictionary<string, object?>
        {
            ["service"] = "OpsBot tool-call proxy for vLLM (drop-in for vllm-tool-proxy.py v4)",
            ["vllm_url"] = options.VllmDisplayUrl,
            ["endpoints"] = new[] { "GET /health", "GET /metrics", "* /v1/{path} -> vLLM", "POST /v1/chat/completions (tool-call recovery, SSE re-wrap, loop guard)" },
            ["max_tool_calls"] = options.MaxToolCalls,
        }));

        endpoints.MapGet("/metrics", static async context =>
        {
            context.Response.ContentType = PrometheusConstants.ExporterContentTypeValue.ToString();
            await context.RequestServices.GetRequiredService<ProxyMetrics>().Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        // Plain RequestDelegates on the hot routes: a lambda with service parameters goes through the minimal-API
        // binder (an expression tree compiled at start, parameter binding on every request).
        // Every method: a GET or DELETE here is a mistake to answer (405), not a request to forward.
        endpoints.Map("/v1/chat/completions", static context => context.RequestServices.GetRequiredService<ChatCompletionsHandler>().HandleAsync(context));
        endpoints.Map("/v1/{**path}", static context => context.RequestServices.GetRequiredService<PassthroughForwarder>().ForwardAsync(context));
        return endpoints;
    }
}
