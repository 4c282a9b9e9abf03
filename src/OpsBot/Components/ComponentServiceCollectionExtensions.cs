using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OpsBot.Components;

public static class ComponentServiceCollectionExtensions
{
    /// <summary>
    /// The registry every <c>Add…</c> of a component writes its configuration verdict into while registering; created on first
    /// use and registered as a singleton, so checks at registration and services at run time share one instance.
    /// </summary>
    public static ComponentStates GetComponentStates(this IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(ComponentStates) && d.ImplementationInstance is not null)?.ImplementationInstance is ComponentStates existing)
        {
            return existing;
        }

        var states = new ComponentStates();
        services.AddSingleton(states);
        services.AddHostedService<DisabledComponentsNotice>();
        return states;
    }

    /// <summary>Adds <typeparamref name="TService"/> as a hosted service of <paramref name="component"/>, run under a <see cref="ComponentSupervisor"/>.</summary>
    /// <remarks>Resolved from the container when registered there (a singleton shared with other users), else created.</remarks>
    public static IServiceCollection AddComponentService<TService>(this IServiceCollection services, string component)
        where TService : class, IHostedService
    {
        services.GetComponentStates();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IHostedService>(sp => new ComponentSupervisor(
            component,
            typeof(TService).Name,
            () => sp.GetService<TService>() ?? ActivatorUtilities.CreateInstance<TService>(sp),
            sp.GetRequiredService<ComponentStates>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ComponentSupervisor>>()));
        return services;
    }
}
