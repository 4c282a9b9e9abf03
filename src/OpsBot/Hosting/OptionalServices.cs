using Microsoft.Extensions.Options;

namespace OpsBot.Hosting;

/// <summary>
/// Resolves a service another part of OpsBot may not provide. A part whose options are invalid cannot be built; a command
/// still answers with what it has (check-config is where the invalid options are reported).
/// </summary>
public static class OptionalServices
{
    public static T? GetOptional<T>(this IServiceProvider services) where T : class => services.GetOptional<T>(out _);

    /// <param name="problem">Why there is none: not part of this build, or its configuration is invalid.</param>
    public static T? GetOptional<T>(this IServiceProvider services, out string? problem) where T : class
    {
        problem = null;
        try
        {
            if (services.GetService<T>() is { } service)
            {
                return service;
            }

            problem = "it is not part of this build";
            return null;
        }
        catch (OptionsValidationException ex)
        {
            problem = $"its configuration is invalid ({ex.OptionsType.Name}); run `opsbot check-config`";
            return null;
        }
    }
}
