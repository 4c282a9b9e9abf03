using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy;

public static class ProxyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the proxy's services. Options come from <see cref="ProxyOptions.SectionName"/> bound by
    /// the caller (<c>services.AddOptions&lt;ProxyOptions&gt;().Bind(...)</c>) and are validated at start.
    /// </summary>
    public static IServiceCollection AddOpsBotProxy(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProxyStatistics>();
        services.TryAddSingleton<IProxyStatistics>(sp => sp.GetRequiredService<ProxyStatistics>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICompletionObserver, ProxyStatistics>(sp => sp.GetRequiredService<ProxyStatistics>()));
        services.TryAddSingleton<ProxyMetrics>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICompletionObserver, ProxyMetrics>(sp => sp.GetRequiredService<ProxyMetrics>()));
        services.TryAddSingleton<CompletionEventPublisher>();
        services.TryAddSingleton<VllmBackends>();
        services.AddHostedService<BackendHealthProbe>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthFieldSource, BackendHealthFields>());
        services.TryAddSingleton<UpstreamSender>();
        services.TryAddSingleton<RequestBodyBudget>();
        services.TryAddSingleton<RequestBufferPool>();
        services.TryAddSingleton<ToolCatalogCache>();
        services.TryAddSingleton<PassthroughForwarder>();
        services.TryAddSingleton<StreamingToolCompletion>();
        services.TryAddSingleton<LoopGuard>();
        services.TryAddSingleton<ChatCompletionsHandler>();
        services.TryAddSingleton(sp => new ApiKeyCheck(sp.GetRequiredService<IOptions<ProxyOptions>>().Value.ApiKeys));

        services.AddHttpClient(UpstreamHttp.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(UpstreamHttp.CreateHandler)
            // Every request is already one completion event; the factory's four log calls and scope per send cost CPU on the hot path.
            .RemoveAllLoggers()
            // The handler pools connections to one fixed host; recycling it only costs reconnects.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }
}
