using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Registry and router of command modules, after Discord.Net's <c>InteractionService</c>. The phases live apart as there:
/// <see cref="ModuleClassBuilder"/> reflects modules into infos, <see cref="TypeConverter"/>s read options,
/// <see cref="ApplicationCommandJson"/> writes the registration from the same infos, and this type routes an interaction
/// to its handler through preconditions, argument parsing, the <see cref="AutoDeferTimer"/> and <see cref="InteractionErrorReply"/>;
/// an autocomplete interaction goes to its option's <see cref="AutocompleteHandler"/> instead, without a defer.
/// </summary>
public sealed class InteractionService(TimeProvider time, ILogger<InteractionService> logger)
{
    private readonly List<SlashCommandInfo> _commands = [];
    private readonly List<ComponentCommandInfo> _components = [];

    public IReadOnlyList<SlashCommandInfo> SlashCommands => _commands;

    public IReadOnlyList<ComponentCommandInfo> ComponentCommands => _components;

    /// <summary>A handler that has not answered by then gets a public defer, keeping Discord's 3-second rule.</summary>
    public TimeSpan AutoDeferAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>An autocomplete handler gets this long (it cannot be deferred); after it the user gets an empty list, still within Discord's 3 seconds.</summary>
    public TimeSpan AutocompleteTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public InteractionService AddModule<TModule>()
        where TModule : InteractionModuleBase => AddModule(typeof(TModule));

    /// <summary>Reflects a module's handlers. Throws on definitions Discord would reject, so mistakes fail at start-up.</summary>
    public InteractionService AddModule(Type moduleType)
    {
        var (commands, components) = ModuleClassBuilder.Build(moduleType);
        foreach (var command in commands)
        {
            CommandDefinitionValidator.ValidateAlongside(command, _commands);
            _commands.Add(command);
        }

        _components.AddRange(components);
        return this;
    }

    /// <summary>The JSON array for <c>PUT /applications/{app}/guilds/{guild}/commands</c>.</summary>
    public string BuildCommandsJson() => ApplicationCommandJson.Write(_commands);

    /// <summary>Routes the interaction to its handler. Never throws: failures are logged and answered ephemerally.</summary>
    public async Task<ExecuteResult> ExecuteAsync(InteractionContext context, IServiceProvider services)
    {
        var interaction = context.Interaction;
        switch (interaction.Type)
        {
            case InteractionType.ApplicationCommand:
                var name = interaction.Data.Name;
                var command = _commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
                if (command is null || interaction.Data.Options.Any(o => o.Type is ApplicationCommandOptionType.SubCommand or ApplicationCommandOptionType.SubCommandGroup))
                {
                    InteractionLog.UnknownCommand(logger, name ?? "(none)", interaction.User.Id);
                    return await FailAsync(context, InteractionCommandError.UnknownCommand, $"Unknown command `/{name}`. OpsBot's command list may be out of date; try again in a minute.");
                }

                return await RunAsync(context, services, command, () => command.ParseArguments(interaction, context.CancellationToken));

            case InteractionType.MessageComponent:
                var customId = interaction.Data.CustomId ?? string.Empty;
                foreach (var component in _components)
                {
                    if (component.Match(customId) is { } captures)
                    {
                        return await RunAsync(context, services, component, () => component.ParseArguments(captures, context.CancellationToken));
                    }
                }

                InteractionLog.UnknownComponent(logger, Rest.DiscordLimits.Truncate(customId, Rest.DiscordLimits.CustomId), interaction.User.Id);
                return await FailAsync(context, InteractionCommandError.UnknownCommand, "This button is no longer handled by OpsBot.");

            case InteractionType.ApplicationCommandAutocomplete:
                return await AutocompleteAsync(context, services);

            default:
                // Modals and PINGs are not used by OpsBot's commands.
                InteractionLog.UnsupportedInteraction(logger, (int)interaction.Type, interaction.User.Id);
                const string unsupported = "OpsBot does not handle this kind of interaction.";
                return interaction.Type is InteractionType.Ping
                    ? ExecuteResult.FromError(InteractionCommandError.UnsupportedInteraction, unsupported)
                    : await FailAsync(context, InteractionCommandError.UnsupportedInteraction, unsupported);
        }
    }

    /// <summary>
    /// An autocomplete interaction: the focused option's handler suggests values, which are checked against Discord's rules
    /// and sent as callback type 8. Never deferred and never answered with a message (Discord takes neither): a refused
    /// precondition, an unknown option, a failing or slow handler all answer with an empty list and are logged.
    /// </summary>
    private async Task<ExecuteResult> AutocompleteAsync(InteractionContext context, IServiceProvider services)
    {
        var interaction = context.Interaction;
        var name = interaction.Data.Name;
        var command = _commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        var focused = interaction.Data.Options.FirstOrDefault(o => o.Focused);
        var parameter = focused is null ? null : command?.Options.FirstOrDefault(p => string.Equals(p.Name, focused.Name, StringComparison.Ordinal));
        if (command is null || parameter?.AutocompleteHandler is not { } handlerType)
        {
            var what = $"/{name ?? "(none)"} {focused?.Name ?? "(no focused option)"}";
            InteractionLog.AutocompleteUnhandled(logger, what, interaction.User.Id);
            await AnswerAsync(context, []);
            return ExecuteResult.FromError(InteractionCommandError.UnknownCommand, $"no autocomplete for {what}");
        }

        var logName = $"{command.LogName} {parameter.Name} autocomplete";
        foreach (var precondition in command.Preconditions)
        {
            var allowed = await precondition.CheckAsync(context, services);
            if (!allowed.IsSuccess)
            {
                // Debug only: Discord asks on every keystroke. Nothing is suggested to someone who may not run the command.
                InteractionLog.AutocompleteRefused(logger, logName, interaction.User.Id, allowed.Reason ?? "precondition failed");
                await AnswerAsync(context, []);
                return ExecuteResult.FromError(InteractionCommandError.UnmetPrecondition, allowed.Reason ?? "precondition failed");
            }
        }

        var input = new AutocompleteInput(command, parameter, focused!.Value is { } value ? AutocompleteInput.TextOf(value) : "", interaction.Data.Options);
        AutocompletionResult result;
        using (var deadline = new CancellationTokenSource(AutocompleteTimeout, time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, deadline.Token))
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var handler = (AutocompleteHandler)ActivatorUtilities.CreateInstance(scope.ServiceProvider, handlerType);
                result = await handler.GenerateSuggestionsAsync(context, input, scope.ServiceProvider, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                result = AutocompletionResult.FromError(context.CancellationToken.IsCancellationRequested
                    ? "OpsBot is shutting down"
                    : $"no suggestions within {AutocompleteTimeout.TotalMilliseconds:0} ms");
            }
            catch (Exception ex)
            {
                InteractionLog.HandlerFailed(logger, logName, ex);
                result = AutocompletionResult.FromError($"the handler threw {ex.GetType().Name}");
            }
        }

        var (choices, problems) = AutocompleteChoices.Validate(result.Suggestions, parameter.Type);
        foreach (var problem in problems)
        {
            InteractionLog.AutocompleteChoiceDropped(logger, logName, problem);
        }

        if (!result.IsSuccess)
        {
            InteractionLog.AutocompleteFailed(logger, logName, result.ErrorReason!);
        }

        await AnswerAsync(context, choices);
        return result.IsSuccess ? ExecuteResult.Success : ExecuteResult.FromError(InteractionCommandError.Exception, result.ErrorReason!);
    }

    private async Task AnswerAsync(InteractionContext context, IReadOnlyList<AutocompleteResult> choices)
    {
        try
        {
            await context.Responder.RespondWithAutocompleteAsync(choices, context.CancellationToken);
        }
        catch (Exception ex)
        {
            InteractionLog.ReplyFailed(logger, context.Interaction.Id, ex);
        }
    }

    private async Task<ExecuteResult> RunAsync(InteractionContext context, IServiceProvider services, CommandInfo command, Func<ParseResult> parse)
    {
        var interaction = context.Interaction;
        var user = interaction.User;
        try
        {
            foreach (var precondition in command.Preconditions)
            {
                var result = await precondition.CheckAsync(context, services);
                if (!result.IsSuccess)
                {
                    InteractionLog.Refused(logger, command.LogName, user.Username, user.Id, interaction.ChannelId ?? 0, result.Reason ?? "precondition failed");
                    return await FailAsync(context, InteractionCommandError.UnmetPrecondition, result.Reason ?? "You are not allowed to do that.");
                }
            }

            var parsed = parse();
            if (parsed.Arguments is not { } arguments)
            {
                InteractionLog.InvalidOptions(logger, command.LogName, user.Id, parsed.ErrorReason ?? "invalid options");
                return await FailAsync(context, InteractionCommandError.ConvertFailed, parsed.ErrorReason ?? "Invalid options.");
            }

            InteractionLog.Executing(logger, command.LogName, user.Username, user.Id, interaction.ChannelId ?? 0);
            await using var scope = services.CreateAsyncScope();
            var module = (InteractionModuleBase)ActivatorUtilities.CreateInstance(scope.ServiceProvider, command.ModuleType);
            module.Context = context;

            await using (AutoDeferTimer.Start(context, AutoDeferAfter, time, logger))
            {
                var task = (Task)command.Method.Invoke(module, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null)!;
                await task;
            }

            if (!context.Responder.HasResponded)
            {
                InteractionLog.NoResponse(logger, command.LogName);
                return await FailAsync(context, InteractionCommandError.NoResponse, "The command finished without a reply.");
            }

            return ExecuteResult.Success;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            const string cancelled = "OpsBot is shutting down; the command was cancelled.";
            await InteractionErrorReply.SendAsync(context, cancelled, logger, CancellationToken.None);
            return ExecuteResult.FromError(InteractionCommandError.Cancelled, cancelled);
        }
        catch (Exception ex)
        {
            // The exception text may carry service output; users only get a pointer to the log.
            InteractionLog.HandlerFailed(logger, command.LogName, ex);
            return await FailAsync(context, InteractionCommandError.Exception, $"Running {command.LogName} failed; details are in the OpsBot log.");
        }
    }

    private async Task<ExecuteResult> FailAsync(InteractionContext context, InteractionCommandError error, string reason)
    {
        await InteractionErrorReply.SendAsync(context, reason, logger);
        return ExecuteResult.FromError(error, reason);
    }
}
