using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.Ops.Probes;

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

        // An invalid section disables history (nothing is opened or written; alerts still work, unpersisted) and nothing else.
        var problems = services.AddComponentOptions(configuration, HistoryOptions.SectionName, new HistoryOptionsValidator(), ComponentNames.History, out HistoryOptions _);
        if (problems.Count == 0)
        {
            services.GetComponentStates().Report(ComponentNames.History, ComponentState.Starting, "opening the database");
        }

        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<HistoryDatabase>();
        services.TryAddSingleton<IncidentStore>();
        services.TryAddSingleton<IIncidentStore>(sp => sp.GetRequiredService<IncidentStore>());
        services.TryAddSingleton<AlertLogStore>();
        services.TryAddSingleton<RestartAuditStore>();
        services.TryAddSingleton<SmokeTestStore>();
        services.TryAddSingleton<ISmokeTestHistory>(sp => sp.GetRequiredService<SmokeTestStore>());
        services.TryAddSingleton<TrafficStore>();
        services.TryAddSingleton<VllmSampleStore>();
        services.TryAddSingleton<HistoryQueryService>();
        services.TryAddSingleton<IHistoryQueryService>(sp => sp.GetRequiredService<HistoryQueryService>());
        services.TryAddSingleton<IHistorySeriesService, HistorySeriesService>();

        if (problems.Count == 0)
        {
            services.AddCompletionQueue<TrafficRollupWriter>();
            services.AddComponentService<HistoryInitializer>(ComponentNames.History);
            services.AddComponentService<TrafficRollupWriter>(ComponentNames.History);
            services.TryAddSingleton<VllmSampleObserver>();
            services.AddSingleton<IVllmMetricsObserver>(sp => sp.GetRequiredService<VllmSampleObserver>());
            services.AddComponentService<VllmSampleWriter>(ComponentNames.History);
        }

        return services;
    }
}
