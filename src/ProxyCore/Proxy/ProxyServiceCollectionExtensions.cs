using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.ProxyCore.Proxy.Chat;
using OpsBot.ProxyCore.Proxy.RequestBodies;
using OpsBot.ProxyCore.Proxy.Upstream;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// The proxy's registrations in two layers, as YARP splits <c>AddHttpForwarder</c> from <c>AddReverseProxy</c>:
/// <see cref="AddOpsBotProxyShared"/> is the state that outlives one listener (completion events, their observers,
/// counters, the clock), <see cref="AddOpsBotProxy"/> adds the request pipeline on top. A host that runs the pipeline
/// in an inner app of its own registers the shared layer once, and hands it down with <see cref="AddOpsBotProxySharedFrom"/>.
/// </summary>
public static class ProxyServiceCollectionExtensions
{
    /// <summary>
    /// Completion events and what observes them: <see cref="CompletionEventPublisher"/>, the statistics behind
    /// <see cref="IProxyStatistics"/> and the Prometheus metrics, <see cref="TimeProvider"/>, and the vLLM backends' state
    /// (<see cref="VllmBackends"/>, which needs <see cref="ProxyOptions"/> bound). A new proxy observer is
    /// one line here.
    /// </summary>
    public static IServiceCollection AddOpsBotProxyShared(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProxyStatistics>();
        services.TryAddSingleton<IProxyStatistics>(sp => sp.GetRequiredService<ProxyStatistics>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICompletionObserver, ProxyStatistics>(sp => sp.GetRequiredService<ProxyStatistics>()));
        services.TryAddSingleton<ProxyMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICompletionObserver, ProxyMetrics>(sp => sp.GetRequiredService<ProxyMetrics>()));
        services.TryAddSingleton<CompletionEventPublisher>();
        // The backends' health and load outlive a restart of the listener, and /status reads them from the host.
        services.TryAddSingleton<VllmBackends>();
        return services;
    }

    /// <summary>
    /// Registers the proxy: the shared layer (unless the caller already did) and the request pipeline. Options come from
    /// <see cref="ProxyOptions.SectionName"/> bound by the caller (<c>services.AddOptions&lt;ProxyOptions&gt;().Bind(...)</c>)
    /// and are validated at start.
    /// </summary>
    public static IServiceCollection AddOpsBotProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsAnnotations>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
        services.AddOpsBotProxyShared();

        services.AddHostedService<BackendHealthProbe>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthFieldSource, BackendHealthFields>());
        services.TryAddSingleton<UpstreamSender>();
        services.TryAddSingleton<RequestBodyBudget>();
        services.TryAddSingleton<RequestBufferPool>();
        services.TryAddSingleton<ToolCatalogCache>();
        services.TryAddSingleton<PassthroughForwarder>();
        services.TryAddSingleton(sp => new ApiKeyCheck(sp.GetRequiredService<IOptions<ProxyOptions>>().Value.ApiKeys));

        // POST /v1/chat/completions, stage by stage (see ChatCompletionsHandler).
        services.TryAddSingleton<ChatRequestReader>();
        services.TryAddSingleton<LoopGuard>();
        services.TryAddSingleton<StreamingToolCompletion>();
        services.TryAddSingleton<StreamContinuation>();
        services.TryAddSingleton<BufferedCompletion>();
        services.TryAddSingleton<ChatResponseWriter>();
        services.TryAddSingleton<ChatCompletionsHandler>();

        services.AddHttpClient(UpstreamHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(UpstreamHttp.CreateHandler)
            // Every request is already one completion event; the factory's four log calls and scope per send cost CPU on the hot path.
            .RemoveAllLoggers()
            // The handler pools connections to one fixed host; recycling it only costs reconnects.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>
    /// For an inner app that runs the pipeline for an outer <paramref name="host"/>: takes the host's instances of every
    /// service of <see cref="AddOpsBotProxyShared"/> (so counters and observers survive a restart of the inner app),
    /// its logging, and its <see cref="IHealthFieldSource"/>s. Call it before <see cref="AddOpsBotProxy"/>.
    /// </summary>
    public static IServiceCollection AddOpsBotProxySharedFrom(this IServiceCollection services, IServiceProvider host)
    {
        var shared = new ServiceCollection().AddOpsBotProxyShared()
            .Select(descriptor => descriptor.ServiceType)
            .Append(typeof(ILoggerFactory))
            .Append(typeof(IHealthFieldSource))
            .Distinct();
        foreach (var type in shared)
        {
            // Every registration, in order: the last one still wins, as it does in the host.
            foreach (var instance in host.GetServices(type))
            {
                services.AddSingleton(type, instance!);
            }
        }

        return services;
    }
}
