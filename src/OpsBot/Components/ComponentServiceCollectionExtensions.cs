using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.Ops.Security;

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

    /// <summary>
    /// A component's options section, checked here, once (<see cref="ConfigurationCheck"/>): when valid it is bound into
    /// <typeparamref name="TOptions"/>; when not, <paramref name="component"/> is disabled with every problem and the options
    /// stay at their defaults, so resolving them never throws. No validator is registered: nothing fails later at start.
    /// </summary>
    /// <returns>The problems found (empty when valid); <paramref name="bound"/> is what was bound, or the defaults.</returns>
    public static IReadOnlyList<string> AddComponentOptions<TOptions>(
        this IServiceCollection services, IConfiguration configuration, string section, IValidateOptions<TOptions> validator, string component, out TOptions bound)
        where TOptions : class, new()
    {
        var (value, problems) = ConfigurationCheck.Bind(configuration, section, validator);
        // Reasons are shown in /health (unauthenticated) and Discord: a validator quoting a URL with a password must not leak it.
        var redactor = new SecretRedactor(OpsServiceCollectionExtensions.KnownSecrets(configuration));
        problems = [.. problems.Select(redactor.Redact)];
        services.GetComponentStates().Disable(component, problems);
        var options = services.AddOptions<TOptions>();
        if (problems.Count == 0)
        {
            options.Bind(configuration.GetSection(section));
        }

        bound = problems.Count == 0 ? value : new TOptions();
        return problems;
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
            sp.GetRequiredService<ILogger<ComponentSupervisor>>(),
            sp.GetService<SecretRedactor>(),
            sp.GetService<ComponentStartGate>()?.Opened));
        return services;
    }
}
