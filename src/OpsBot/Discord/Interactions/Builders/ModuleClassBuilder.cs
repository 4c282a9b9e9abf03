using System.Reflection;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Reflects a module's handler methods into <see cref="SlashCommandInfo"/> and <see cref="ComponentCommandInfo"/> (after
/// Discord.Net's <c>ModuleClassBuilder</c>). Definitions Discord would reject throw here, so mistakes fail at start-up.
/// </summary>
public static class ModuleClassBuilder
{
    public static (IReadOnlyList<SlashCommandInfo> Commands, IReadOnlyList<ComponentCommandInfo> Components) Build(Type moduleType)
    {
        if (!typeof(InteractionModuleBase).IsAssignableFrom(moduleType) || moduleType.IsAbstract)
        {
            throw new ArgumentException($"{moduleType} is not a concrete InteractionModuleBase.", nameof(moduleType));
        }

        var commands = new List<SlashCommandInfo>();
        var components = new List<ComponentCommandInfo>();
        var modulePreconditions = moduleType.GetCustomAttributes<PreconditionAttribute>(inherit: true).ToList();
        foreach (var method in moduleType.GetMethods(BindingFlags.Instance | BindingFlags.Public))
        {
            IReadOnlyList<PreconditionAttribute> preconditions = [.. modulePreconditions, .. method.GetCustomAttributes<PreconditionAttribute>(inherit: true)];
            if (method.GetCustomAttribute<SlashCommandAttribute>() is { } slash)
            {
                RequireTaskReturning(method);
                var command = new SlashCommandInfo(slash.Name, slash.Description, moduleType, method, [.. method.GetParameters().Select(BuildParameter)], preconditions);
                CommandDefinitionValidator.Validate(command);
                commands.Add(command);
            }

            if (method.GetCustomAttribute<ComponentInteractionAttribute>() is { } component)
            {
                RequireTaskReturning(method);
                var wildcards = component.Pattern.Split(':').Count(s => s == "*");
                var strings = method.GetParameters().Count(p => p.ParameterType == typeof(string));
                if (wildcards != strings || method.GetParameters().Any(p => p.ParameterType != typeof(string) && p.ParameterType != typeof(CancellationToken)))
                {
                    throw new InvalidOperationException($"{moduleType.Name}.{method.Name}: pattern '{component.Pattern}' needs exactly {wildcards} string parameter(s).");
                }

                components.Add(new ComponentCommandInfo(component.Pattern, moduleType, method, preconditions));
            }
        }

        return (commands, components);
    }

    private static CommandParameterInfo BuildParameter(ParameterInfo parameter)
    {
        var summary = parameter.GetCustomAttribute<SummaryAttribute>();
        TypeConverter? converter = null;
        if (parameter.ParameterType != typeof(CancellationToken))
        {
            converter = TypeConverter.For(parameter.ParameterType)
                ?? throw new InvalidOperationException($"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name} has unsupported type {parameter.ParameterType.Name}.");
        }

        var declaredChoices = parameter.GetCustomAttributes<ChoiceAttribute>().Select(c => new CommandChoice(c.Name, c.Value)).ToList();
        if (converter is { Choices.Count: > 0 } && declaredChoices.Count > 0)
        {
            throw new InvalidOperationException($"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}: an enum option takes its choices from the enum, not from [Choice].");
        }

        var autocomplete = parameter.GetCustomAttribute<AutocompleteAttribute>()?.HandlerType;
        if (autocomplete is not null)
        {
            var where = $"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}";
            if (!typeof(AutocompleteHandler).IsAssignableFrom(autocomplete) || autocomplete.IsAbstract)
            {
                throw new InvalidOperationException($"{where}: [Autocomplete] needs a concrete AutocompleteHandler, not {autocomplete.Name}.");
            }

            if (converter is null || converter.Choices.Count > 0 || declaredChoices.Count > 0)
            {
                throw new InvalidOperationException($"{where}: [Autocomplete] cannot be combined with choices (an enum or [Choice]); Discord rejects both.");
            }
        }

        var optional = parameter.HasDefaultValue || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
        return new CommandParameterInfo(
            parameter,
            summary?.Name ?? parameter.Name!,
            summary?.Description ?? parameter.Name!,
            converter,
            !optional,
            parameter.HasDefaultValue ? parameter.DefaultValue : null,
            converter is { Choices.Count: > 0 } ? converter.Choices : declaredChoices,
            parameter.GetCustomAttribute<MinValueAttribute>()?.Value,
            parameter.GetCustomAttribute<MaxValueAttribute>()?.Value,
            autocomplete);
    }

    private static void RequireTaskReturning(MethodInfo method)
    {
        if (!typeof(Task).IsAssignableFrom(method.ReturnType))
        {
            throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} must return Task.");
        }
    }
}
