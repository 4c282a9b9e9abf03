using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.History;

namespace OpsBot.Alerts;

public static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Alerting (section <c>Alerts</c>): no-reply, loop-guard and monitor alerts, silences, maintenance windows and
    /// the persisted outbox. Also adds history (alerts need it). Post alerts somewhere by registering an
    /// <see cref="IAlertSink"/> (after this call, or before it: the last registration wins); feed it by registering
    /// <see cref="IHealthTransitionSource"/> and <see cref="IGatewayLogSource"/>. Without them those alerts are off.
    /// </summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHistory(configuration);
        // An invalid section disables alerting (nothing is evaluated or posted) and nothing else. Silences and maintenance
        // windows stay available to the commands and restarts that use them.
        var problems = services.AddComponentOptions(configuration, AlertOptions.SectionName, new AlertOptionsValidator(), ComponentNames.Alerts, out AlertOptions _);

        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<AlertOutbox>();
        services.TryAddSingleton<IAlertPublisher, AlertPublisher>();
        services.TryAddSingleton<IAlertSink, LogOnlyAlertSink>();
        services.TryAddSingleton<AlertSuppressions>();
        services.TryAddSingleton<IAlertSilenceService>(sp => sp.GetRequiredService<AlertSuppressions>());
        services.TryAddSingleton<IMaintenanceWindow>(sp => sp.GetRequiredService<AlertSuppressions>());

        services.TryAddSingleton<NoReplyTracker>();
        services.TryAddSingleton<LoopGuardTracker>();
        services.TryAddSingleton<HealthAlertTracker>();
        services.AddSingleton<IAlertEvaluator>(sp => sp.GetRequiredService<NoReplyTracker>());
        services.AddSingleton<IAlertEvaluator>(sp => sp.GetRequiredService<LoopGuardTracker>());
        services.AddSingleton<IAlertEvaluator>(sp => sp.GetRequiredService<HealthAlertTracker>());

        if (problems.Count > 0)
        {
            return services;
        }

        services.AddCompletionQueue<CompletionAlertWorker>();
        services.AddComponentService<CompletionAlertWorker>(ComponentNames.Alerts);
        services.AddComponentService<GatewayLogWatcher>(ComponentNames.Alerts);
        services.AddComponentService<HealthTransitionWatcher>(ComponentNames.Alerts);
        services.AddComponentService<AlertTicker>(ComponentNames.Alerts);
        services.AddComponentService<AlertDispatcher>(ComponentNames.Alerts);
        return services;
    }
}
