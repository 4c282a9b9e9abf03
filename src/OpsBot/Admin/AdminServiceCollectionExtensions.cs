using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsBot.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>
    /// The admin endpoint (section <c>Admin</c>): the Unix socket the service listens on and the client the CLI asks
    /// it with. The client is created only when a CLI verb asks for it; the endpoint starts with the service.
    /// </summary>
    public static IServiceCollection AddAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName));
        services.TryAddSingleton<AdminClient>();
        services.TryAddSingleton<AdminEndpoint>();
        services.AddHostedService(sp => sp.GetRequiredService<AdminEndpoint>());
        return services;
    }
}
