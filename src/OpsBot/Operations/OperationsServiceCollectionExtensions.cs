using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsBot.Operations;

public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IOpsOperations"/> (what the Discord commands, the admin socket and the CLI call), <see cref="ConfigCheck"/>
    /// and the probe of a running service's proxy. The parts they report on are registered by their own Add… methods.
    /// </summary>
    public static IServiceCollection AddOpsOperations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StatusReader>();
        services.TryAddSingleton<SmokeRunner>();
        services.TryAddSingleton<IOpsOperations, OpsOperations>();
        services.TryAddSingleton<ConfigCheck>();
        services.TryAddSingleton<ProxyHealthProbe>();
        return services;
    }
}
