using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsBot.History;
using OpsBot.ProxyCore.Events;

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
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton<AlertOutbox>();
        services.TryAddSingleton<IAlertPublisher, AlertPublisher>();
        services.TryAddSingleton<IAlertSink, LogOnlyAlertSink>();
        services.TryAddSingleton<AlertMutes>();
        services.TryAddSingleton<IAlertSilenceService>(sp => sp.GetRequiredService<AlertMutes>());
        services.TryAddSingleton<IMaintenanceWindow>(sp => sp.GetRequiredService<AlertMutes>());

        services.TryAddSingleton<NoReplyTracker>();
        services.TryAddSingleton<LoopGuardTracker>();
        services.TryAddSingleton<HealthAlertTracker>();
        services.AddSingleton<IAlertEvaluator>(sp => sp.GetRequiredService<NoReplyTracker>());
        services.AddSingleton<IAlertEvaluator>(sp => sp.GetRequiredService<LoopGuardTracker>());
        services.AddSingleton<IAlertEvaluator>(sp => sp.GetRequiredService<HealthAlertTracker>());

        services.TryAddSingleton<CompletionAlertObserver>();
        services.AddSingleton<ICompletionObserver>(sp => sp.GetRequiredService<CompletionAlertObserver>());
        services.AddHostedService<CompletionAlertWorker>();
        services.AddHostedService<GatewayLogWatcher>();
        services.AddHostedService<HealthTransitionWatcher>();
        services.AddHostedService<AlertTicker>();
        services.AddHostedService<AlertDispatcher>();
        return services;
    }
}
