using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsBot.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>Admin settings (section <c>Admin</c>) and the client the CLI asks the running service with.</summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName));
        services.TryAddSingleton<AdminClient>();
        return services;
    }

    /// <summary>
    /// The admin endpoint itself, listening while the service runs. Added by the service process only (Program):
    /// a host built in-process (the CLI's, a test's) must never open, or take over, the user's admin socket.
    /// </summary>
    public static IServiceCollection AddAdminEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAdmin(configuration);
        services.TryAddSingleton<AdminEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminEndpoint>());
        return services;
    }
}
