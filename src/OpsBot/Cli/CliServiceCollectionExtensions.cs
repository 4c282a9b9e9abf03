using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsBot.Status;

namespace OpsBot.Cli;

public static class CliServiceCollectionExtensions
{
    /// <summary>
    /// The shared command layer (<see cref="OpsCommands"/>, the status snapshot) and the plain-text renderer, for the CLI
    /// and the Discord commands.
    /// </summary>
    public static IServiceCollection AddOpsCommands(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OpsCommands>();
        services.TryAddSingleton<StatusSnapshotService>();
        services.TryAddSingleton<PlainTextRenderer>();
        services.TryAddSingleton<ProxyHealthProbe>();
        return services;
    }
}
