using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Probes;
using OpsBot.ProxyCore.Events;

namespace OpsBot.History;

public static class HistoryServiceCollectionExtensions
{
    /// <summary>
    /// SQLite history (section <c>History</c>): incidents, alerts, restarts, smoke tests, per-minute traffic
    /// and vLLM samples, the query service behind /status and /history, and the series behind charts. <c>AddAlerts</c> calls it; calling both is fine.
    /// </summary>
    public static IServiceCollection AddHistory(this IServiceCollection services, IConfiguration configuration)
    {
        // Idempotent: AddAlerts calls it too, and hosted services or observers must not be added twice.
        if (services.Any(d => d.ServiceType == typeof(HistoryDatabase)))
        {
            return services;
        }

        services.AddOptions<HistoryOptions>().Bind(configuration.GetSection(HistoryOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HistoryOptions>, HistoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<HistoryDatabase>();
        services.TryAddSingleton<IncidentStore>();
        services.TryAddSingleton<IIncidentStore>(sp => sp.GetRequiredService<IncidentStore>());
        services.TryAddSingleton<AlertLogStore>();
        services.TryAddSingleton<RestartAuditStore>();
        services.TryAddSingleton<IRestartAuditStore>(sp => sp.GetRequiredService<RestartAuditStore>());
        services.TryAddSingleton<SmokeTestStore>();
        services.TryAddSingleton<ISmokeTestHistory>(sp => sp.GetRequiredService<SmokeTestStore>());
        services.TryAddSingleton<TrafficStore>();
        services.TryAddSingleton<VllmSampleStore>();
        services.TryAddSingleton<HistoryQueryService>();
        services.TryAddSingleton<IHistoryQueryService>(sp => sp.GetRequiredService<HistoryQueryService>());
        services.TryAddSingleton<IHistorySeriesService, HistorySeriesService>();

        services.TryAddSingleton<TrafficRollupObserver>();
        services.AddSingleton<ICompletionObserver>(sp => sp.GetRequiredService<TrafficRollupObserver>());
        services.AddHostedService<HistoryInitializer>();
        services.AddHostedService<TrafficRollupWriter>();
        services.TryAddSingleton<VllmSampleObserver>();
        services.AddSingleton<IVllmMetricsObserver>(sp => sp.GetRequiredService<VllmSampleObserver>());
        services.AddHostedService<VllmSampleWriter>();
        return services;
    }
}
