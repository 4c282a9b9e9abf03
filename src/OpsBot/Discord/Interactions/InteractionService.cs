using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Registry and executor of command modules, after Discord.Net's <c>InteractionService</c>: the attribute model on module
/// methods produces both the bulk-overwrite JSON and the runtime routing/validation, so the two cannot drift apart.
/// </summary>
public sealed partial class InteractionService(TimeProvider time, ILogger<InteractionService> logger)
{
    private static readonly Regex CommandName = new(@"^[-_'\p{L}\p{N}]{1,32}$", RegexOptions.CultureInvariant);

    private readonly List<SlashCommandInfo> _commands = [];
    private readonly List<ComponentCommandInfo> _components = [];

    public IReadOnlyList<SlashCommandInfo> SlashCommands => _commands;

    public IReadOnlyList<ComponentCommandInfo> ComponentCommands => _components;

    /// <summary>A handler that has not answered by then gets a public defer, keeping Discord's 3-second rule.</summary>
    public TimeSpan AutoDeferAfter { get; set; } = TimeSpan.FromSeconds(2);

    public InteractionService AddModule<TModule>()
        where TModule : InteractionModuleBase => AddModule(typeof(TModule));

    /// <summary>Reflects a module's handlers. Throws on definitions Discord would reject, so mistakes fail at start-up.</summary>
    public InteractionService AddModule(Type moduleType)
    {
        if (!typeof(InteractionModuleBase).IsAssignableFrom(moduleType) || moduleType.IsAbstract)
        {
            throw new ArgumentException($"{moduleType} is not a concrete InteractionModuleBase.", nameof(moduleType));
        }

        var modulePreconditions = moduleType.GetCustomAttributes<PreconditionAttribute>(inherit: true).ToList();
        foreach (var method in moduleType.GetMethods(BindingFlags.Instance | BindingFlags.Public))
        {
            if (method.GetCustomAttribute<SlashCommandAttribute>() is { } slash)
            {
                RequireTaskReturning(method);
                var command = new SlashCommandInfo(
                    slash.Name,
                    slash.Description,
                    moduleType,
                    method,
                    method.GetParameters().Select(BuildParameter).ToList(),
                    [.. modulePreconditions, .. method.GetCustomAttributes<PreconditionAttribute>(inherit: true)]);
                Validate(command);
                _commands.Add(command);
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

                _components.Add(new ComponentCommandInfo(
                    component.Pattern,
                    moduleType,
                    method,
                    [.. modulePreconditions, .. method.GetCustomAttributes<PreconditionAttribute>(inherit: true)]));
            }
        }

        return this;
    }

    /// <summary>The JSON array for <c>PUT /applications/{app}/guilds/{guild}/commands</c>.</summary>
    public string BuildCommandsJson()
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, DiscordPayloadWriter.WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var command in _commands)
            {
                writer.WriteStartObject();
                writer.WriteString("name", command.Name);
                writer.WriteNumber("type", 1);
                writer.WriteString("description", command.Description);
                if (command.Preconditions.Select(p => p.DefaultMemberPermissions).FirstOrDefault(p => p is not null) is { } permissions)
                {
                    writer.WriteString("default_member_permissions", permissions);
                }

                var options = command.Parameters.Where(p => !p.IsCancellationToken).ToList();
                if (options.Count > 0)
                {
                    writer.WriteStartArray("options");
                    foreach (var option in options)
                    {
                        WriteOption(writer, option);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Routes the interaction to its handler. Never throws: failures are logged and answered ephemerally.</summary>
    public async Task ExecuteAsync(InteractionContext context, IServiceProvider services)
    {
        var interaction = context.Interaction;
        switch (interaction.Type)
        {
            case InteractionType.ApplicationCommand:
                var name = interaction.Data.Name;
                var command = _commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
                if (command is null || interaction.Data.Options.Any(o => o.Type is ApplicationCommandOptionType.SubCommand or ApplicationCommandOptionType.SubCommandGroup))
                {
                    Log.UnknownCommand(logger, name ?? "(none)", interaction.User.Id);
                    await ReplyErrorAsync(context, $"Unknown command `/{name}`. OpsBot's command list may be out of date; try again in a minute.").ConfigureAwait(false);
                    return;
                }

                await RunAsync(context, services, $"/{command.Name}", command.ModuleType, command.Method, command.Preconditions, () => BindOptions(command, interaction, context.CancellationToken)).ConfigureAwait(false);
                return;

            case InteractionType.MessageComponent:
                var customId = interaction.Data.CustomId ?? string.Empty;
                foreach (var component in _components)
                {
                    if (component.Match(customId) is { } captures)
                    {
                        await RunAsync(context, services, $"button {component.Pattern}", component.ModuleType, component.Method, component.Preconditions, () => BindCaptures(component, captures, context.CancellationToken)).ConfigureAwait(false);
                        return;
                    }
                }

                Log.UnknownComponent(logger, DiscordLimitsSafe(customId), interaction.User.Id);
                await ReplyErrorAsync(context, "This button is no longer handled by OpsBot.").ConfigureAwait(false);
                return;

            default:
                // Autocomplete, modals and PINGs are not used by OpsBot's commands.
                Log.UnsupportedInteraction(logger, (int)interaction.Type, interaction.User.Id);
                if (interaction.Type is not (InteractionType.Ping or InteractionType.ApplicationCommandAutocomplete))
                {
                    await ReplyErrorAsync(context, "OpsBot does not handle this kind of interaction.").ConfigureAwait(false);
                }

                return;
        }
    }

    /// <summary>Converts and validates the options Discord sent against the handler's declared options.</summary>
    public static (object?[]? Arguments, string? Error) BindOptions(SlashCommandInfo command, Interaction interaction, CancellationToken cancellationToken)
    {
        var arguments = new object?[command.Parameters.Count];
        for (var i = 0; i < command.Parameters.Count; i++)
        {
            var parameter = command.Parameters[i];
            if (parameter.IsCancellationToken)
            {
                arguments[i] = cancellationToken;
                continue;
            }

            var option = interaction.Data.Options.FirstOrDefault(o => string.Equals(o.Name, parameter.Name, StringComparison.Ordinal));
            if (option?.Value is not { } value)
            {
                if (parameter.IsRequired)
                {
                    return (null, $"Option `{parameter.Name}` is required.");
                }

                arguments[i] = parameter.DefaultValue;
                continue;
            }

            var (converted, error) = Convert(parameter, value);
            if (error is not null)
            {
                return (null, error);
            }

            arguments[i] = converted;
        }

        return (arguments, null);
    }

    private static (object? Value, string? Error) Convert(CommandParameterInfo parameter, JsonElement value)
    {
        var target = Nullable.GetUnderlyingType(parameter.Parameter.ParameterType) ?? parameter.Parameter.ParameterType;
        switch (parameter.Type)
        {
            case ApplicationCommandOptionType.String:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return (null, $"Option `{parameter.Name}` must be text.");
                }

                var text = value.GetString()!;
                if (parameter.Choices.Count > 0 && !parameter.Choices.Any(c => string.Equals(c.Value, text, StringComparison.Ordinal)))
                {
                    return (null, $"Option `{parameter.Name}` must be one of {string.Join(", ", parameter.Choices.Select(c => $"`{c.Value}`"))}.");
                }

                return (text, null);

            case ApplicationCommandOptionType.Integer:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var integer))
                {
                    return (null, $"Option `{parameter.Name}` must be a whole number.");
                }

                if (OutOfRange(parameter, integer) is { } rangeError)
                {
                    return (null, rangeError);
                }

                return (target == typeof(int) ? (object)(int)integer : integer, null);

            case ApplicationCommandOptionType.Number:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    return (null, $"Option `{parameter.Name}` must be a number.");
                }

                return OutOfRange(parameter, number) is { } numberError ? (null, numberError) : (number, null);

            case ApplicationCommandOptionType.Boolean:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? (value.GetBoolean(), null)
                    : (null, $"Option `{parameter.Name}` must be true or false.");

            default:
                return (null, $"Option `{parameter.Name}` has an unsupported type.");
        }
    }

    private static string? OutOfRange(CommandParameterInfo parameter, double value)
    {
        if ((parameter.MinValue is { } min && value < min) || (parameter.MaxValue is { } max && value > max))
        {
            return $"Option `{parameter.Name}` must be between {Format(parameter.MinValue)} and {Format(parameter.MaxValue)} (got {value.ToString(CultureInfo.InvariantCulture)}).";
        }

        return null;

        static string Format(double? bound) => bound?.ToString(CultureInfo.InvariantCulture) ?? "any";
    }

    private static (object?[]? Arguments, string? Error) BindCaptures(ComponentCommandInfo component, IReadOnlyList<string> captures, CancellationToken cancellationToken)
    {
        var parameters = component.Method.GetParameters();
        var arguments = new object?[parameters.Length];
        var next = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            arguments[i] = parameters[i].ParameterType == typeof(CancellationToken) ? cancellationToken : captures[next++];
        }

        return (arguments, null);
    }

    private async Task RunAsync(
        InteractionContext context,
        IServiceProvider services,
        string description,
        Type moduleType,
        MethodInfo method,
        IReadOnlyList<PreconditionAttribute> preconditions,
        Func<(object?[]? Arguments, string? Error)> bind)
    {
        var interaction = context.Interaction;
        var user = interaction.User;
        try
        {
            foreach (var precondition in preconditions)
            {
                var result = await precondition.CheckAsync(context, services).ConfigureAwait(false);
                if (!result.IsSuccess)
                {
                    Log.Refused(logger, description, user.Username, user.Id, interaction.ChannelId ?? 0, result.Reason ?? "precondition failed");
                    await ReplyErrorAsync(context, result.Reason ?? "You are not allowed to do that.").ConfigureAwait(false);
                    return;
                }
            }

            var (arguments, error) = bind();
            if (arguments is null)
            {
                Log.InvalidOptions(logger, description, user.Id, error ?? "invalid options");
                await ReplyErrorAsync(context, error ?? "Invalid options.").ConfigureAwait(false);
                return;
            }

            Log.Executing(logger, description, user.Username, user.Id, interaction.ChannelId ?? 0);
            await using var scope = services.CreateAsyncScope();
            var module = (InteractionModuleBase)ActivatorUtilities.CreateInstance(scope.ServiceProvider, moduleType);
            module.Context = context;

            await using (time.CreateTimer(_ => _ = AutoDeferAsync(context), null, AutoDeferAfter, Timeout.InfiniteTimeSpan))
            {
                var task = (Task)method.Invoke(module, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;
                await task.ConfigureAwait(false);
            }

            if (!context.Responder.HasResponded)
            {
                Log.NoResponse(logger, description);
                await ReplyErrorAsync(context, "The command finished without a reply.").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            await ReplyErrorAsync(context, "OpsBot is shutting down; the command was cancelled.", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The exception text may carry service output; users only get a pointer to the log.
            Log.HandlerFailed(logger, description, ex);
            await ReplyErrorAsync(context, $"Running {description} failed; details are in the OpsBot log.").ConfigureAwait(false);
        }
    }

    private async Task AutoDeferAsync(InteractionContext context)
    {
        try
        {
            if (!context.Responder.HasResponded)
            {
                Log.AutoDeferred(logger, context.Interaction.Id, AutoDeferAfter.TotalMilliseconds);
                await context.Responder.DeferAsync(ephemeral: false, context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Log.ReplyFailed(logger, context.Interaction.Id, ex);
        }
    }

    private Task ReplyErrorAsync(InteractionContext context, string text) => ReplyErrorAsync(context, text, context.CancellationToken);

    private async Task ReplyErrorAsync(InteractionContext context, string text, CancellationToken cancellationToken)
    {
        try
        {
            await context.Responder.RespondAsync(DiscordMessage.FromText("⚠️ " + text), ephemeral: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ReplyFailed(logger, context.Interaction.Id, ex);
        }
    }

    private static CommandParameterInfo BuildParameter(ParameterInfo parameter)
    {
        var summary = parameter.GetCustomAttribute<SummaryAttribute>();
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        var optionType = type switch
        {
            _ when type == typeof(string) => ApplicationCommandOptionType.String,
            _ when type == typeof(int) || type == typeof(long) => ApplicationCommandOptionType.Integer,
            _ when type == typeof(double) => ApplicationCommandOptionType.Number,
            _ when type == typeof(bool) => ApplicationCommandOptionType.Boolean,
            _ when type == typeof(CancellationToken) => ApplicationCommandOptionType.SubCommand,
            _ => throw new InvalidOperationException($"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name} has unsupported type {type.Name}."),
        };
        var optional = parameter.HasDefaultValue || Nullable.GetUnderlyingType(parameter.ParameterType) is not null;
        return new CommandParameterInfo(
            parameter,
            summary?.Name ?? parameter.Name!,
            summary?.Description ?? parameter.Name!,
            optionType,
            !optional,
            parameter.HasDefaultValue ? parameter.DefaultValue : null,
            parameter.GetCustomAttributes<ChoiceAttribute>().Select(c => new CommandChoice(c.Name, c.Value)).ToList(),
            parameter.GetCustomAttribute<MinValueAttribute>()?.Value,
            parameter.GetCustomAttribute<MaxValueAttribute>()?.Value);
    }

    private void Validate(SlashCommandInfo command)
    {
        var where = $"{command.ModuleType.Name}.{command.Method.Name}";
        if (!CommandName.IsMatch(command.Name) || command.Name != command.Name.ToLowerInvariant())
        {
            throw new InvalidOperationException($"{where}: command name '{command.Name}' must be 1-32 lowercase letters, digits, '-' or '_'.");
        }

        if (command.Description.Length is 0 or > 100)
        {
            throw new InvalidOperationException($"{where}: description must be 1-100 characters.");
        }

        if (_commands.Any(c => c.Name == command.Name))
        {
            throw new InvalidOperationException($"{where}: command '/{command.Name}' is defined twice.");
        }

        if (_commands.Count >= 100)
        {
            throw new InvalidOperationException("Discord allows at most 100 slash commands per guild.");
        }

        var options = command.Parameters.Where(p => !p.IsCancellationToken).ToList();
        if (options.Count > 25)
        {
            throw new InvalidOperationException($"{where}: at most 25 options.");
        }

        var seenOptional = false;
        foreach (var option in options)
        {
            if (!CommandName.IsMatch(option.Name) || option.Name != option.Name.ToLowerInvariant())
            {
                throw new InvalidOperationException($"{where}: option name '{option.Name}' is not a valid Discord name.");
            }

            if (option.Description.Length is 0 or > 100)
            {
                throw new InvalidOperationException($"{where}: option '{option.Name}' description must be 1-100 characters.");
            }

            if (seenOptional && option.IsRequired)
            {
                throw new InvalidOperationException($"{where}: required option '{option.Name}' must come before optional ones.");
            }

            seenOptional |= !option.IsRequired;
            if (option.Choices.Count > 25 || option.Choices.Any(c => c.Name.Length is 0 or > 100 || c.Value.Length is 0 or > 100))
            {
                throw new InvalidOperationException($"{where}: option '{option.Name}' has invalid choices (max 25, names and values 1-100 characters).");
            }

            if (option.Choices.Count > 0 && option.Type != ApplicationCommandOptionType.String)
            {
                throw new InvalidOperationException($"{where}: only string options take [Choice] here.");
            }

            if ((option.MinValue is not null || option.MaxValue is not null) && option.Type is not (ApplicationCommandOptionType.Integer or ApplicationCommandOptionType.Number))
            {
                throw new InvalidOperationException($"{where}: [MinValue]/[MaxValue] only apply to number options.");
            }
        }
    }

    private static void WriteOption(Utf8JsonWriter writer, CommandParameterInfo option)
    {
        writer.WriteStartObject();
        writer.WriteNumber("type", (int)option.Type);
        writer.WriteString("name", option.Name);
        writer.WriteString("description", option.Description);
        writer.WriteBoolean("required", option.IsRequired);
        if (option.Choices.Count > 0)
        {
            writer.WriteStartArray("choices");
            foreach (var choice in option.Choices)
            {
                writer.WriteStartObject();
                writer.WriteString("name", choice.Name);
                writer.WriteString("value", choice.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteBound(writer, "min_value", option.MinValue, option.Type);
        WriteBound(writer, "max_value", option.MaxValue, option.Type);
        writer.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter writer, string name, double? bound, ApplicationCommandOptionType type)
    {
        if (bound is not { } value)
        {
            return;
        }

        if (type == ApplicationCommandOptionType.Integer)
        {
            writer.WriteNumber(name, (long)value);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void RequireTaskReturning(MethodInfo method)
    {
        if (!typeof(Task).IsAssignableFrom(method.ReturnType))
        {
            throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} must return Task.");
        }
    }

    private static string DiscordLimitsSafe(string customId) => customId.Length > 100 ? customId[..100] : customId;

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Information, "Discord {Command} from {UserName} ({UserId}) in channel {ChannelId}.")]
        public static partial void Executing(ILogger logger, string command, string userName, ulong userId, ulong channelId);

        [LoggerMessage(51, LogLevel.Warning, "Discord {Command} refused for {UserName} ({UserId}) in channel {ChannelId}: {Reason}")]
        public static partial void Refused(ILogger logger, string command, string userName, ulong userId, ulong channelId, string reason);

        [LoggerMessage(52, LogLevel.Warning, "Discord interaction for unknown command /{Command} from user {UserId}; answered with an error.")]
        public static partial void UnknownCommand(ILogger logger, string command, ulong userId);

        [LoggerMessage(53, LogLevel.Warning, "Discord button '{CustomId}' from user {UserId} matches no handler.")]
        public static partial void UnknownComponent(ILogger logger, string customId, ulong userId);

        [LoggerMessage(54, LogLevel.Warning, "Discord interaction type {Type} from user {UserId} is not handled.")]
        public static partial void UnsupportedInteraction(ILogger logger, int type, ulong userId);

        [LoggerMessage(55, LogLevel.Information, "Discord {Command} from user {UserId} rejected: {Error}")]
        public static partial void InvalidOptions(ILogger logger, string command, ulong userId, string error);

        [LoggerMessage(56, LogLevel.Error, "Discord {Command} failed.")]
        public static partial void HandlerFailed(ILogger logger, string command, Exception exception);

        [LoggerMessage(57, LogLevel.Warning, "Discord {Command} returned without answering the interaction.")]
        public static partial void NoResponse(ILogger logger, string command);

        [LoggerMessage(58, LogLevel.Debug, "Discord interaction {InteractionId} not answered after {DelayMs} ms; deferring.")]
        public static partial void AutoDeferred(ILogger logger, ulong interactionId, double delayMs);

        [LoggerMessage(59, LogLevel.Warning, "Discord reply to interaction {InteractionId} failed.")]
        public static partial void ReplyFailed(ILogger logger, ulong interactionId, Exception exception);
    }
}
