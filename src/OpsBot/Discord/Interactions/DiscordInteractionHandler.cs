using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Discord.Gateway;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Gateway events to commands: registers the command list after the first READY, filters interactions to the configured
/// guild and channels, drops duplicates, and runs each handler on its own task so the gateway loop never waits.
/// </summary>
public sealed partial class DiscordInteractionHandler(
    InteractionService interactions,
    IDiscordRestClient rest,
    IServiceProvider services,
    InteractionDeduplicator deduplicator,
    IOptions<DiscordOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<DiscordInteractionHandler> logger) : IDiscordEventHandler
{
    private readonly DiscordOptions _options = options.Value;
    private int _registration; // 0 = not done, 1 = running, 2 = done
    private ulong _applicationId;

    public void OnReady(ReadyEvent ready)
    {
        Interlocked.Exchange(ref _applicationId, ready.ApplicationId);
        if (_options.ApplicationId is { } configured && configured != ready.ApplicationId)
        {
            Log.ApplicationIdMismatch(logger, configured, ready.ApplicationId);
        }

        // One bulk overwrite per process: resumes and re-identifies do not need it, and creates are capped per day.
        if (Interlocked.CompareExchange(ref _registration, 1, 0) == 0)
        {
            _ = Task.Run(() => RegisterCommandsAsync(ready.ApplicationId, lifetime.ApplicationStopping));
        }
    }

    public void OnInteractionCreate(JsonElement json)
    {
        if (!InteractionParser.TryParse(json, out var interaction, out var error))
        {
            Log.Malformed(logger, error ?? "unknown problem");
            return;
        }

        if (interaction!.ApplicationId == 0)
        {
            // Webhook routes need the application id; READY always has it.
            interaction = interaction with { ApplicationId = Interlocked.Read(ref _applicationId) };
        }

        if (!deduplicator.TryRegister(interaction.Id))
        {
            Log.Duplicate(logger, interaction.Id);
            return;
        }

        _ = Task.Run(() => HandleAsync(interaction, lifetime.ApplicationStopping));
    }

    private async Task HandleAsync(Interaction interaction, CancellationToken cancellationToken)
    {
        var responder = new InteractionResponder(interaction, rest, logger);
        try
        {
            var autocomplete = interaction.Type == InteractionType.ApplicationCommandAutocomplete;
            if (Reject(interaction) is { } refusal)
            {
                Log.OutsideScope(logger, interaction.Id, interaction.User.Id, interaction.GuildId ?? 0, interaction.ChannelId ?? 0);
                // An autocomplete takes no message: outside OpsBot's scope it simply suggests nothing.
                await (autocomplete
                    ? responder.RespondWithAutocompleteAsync([], cancellationToken)
                    : responder.RespondAsync(DiscordMessage.FromText("⚠️ " + refusal), ephemeral: true, cancellationToken));
                return;
            }

            if (interaction.Type is InteractionType.ApplicationCommand or InteractionType.ApplicationCommandAutocomplete && interaction.Data.Name is null)
            {
                Log.Malformed(logger, "command interaction without a command name");
                await (autocomplete
                    ? responder.RespondWithAutocompleteAsync([], cancellationToken)
                    : responder.RespondAsync(DiscordMessage.FromText("⚠️ OpsBot could not read this command."), ephemeral: true, cancellationToken));
                return;
            }

            await interactions.ExecuteAsync(new InteractionContext(interaction, responder, cancellationToken), services);
        }
        catch (Exception ex)
        {
            Log.HandlingFailed(logger, interaction.Id, ex);
        }
    }

    private string? Reject(Interaction interaction)
    {
        if (interaction.GuildId is null)
        {
            return "OpsBot only takes commands in its ops server, not in direct messages.";
        }

        if (interaction.GuildId != _options.GuildId)
        {
            return "OpsBot is not configured for this server.";
        }

        if (_options.AllowedChannelIds.Length > 0 && (interaction.ChannelId is not { } channel || !_options.AllowedChannelIds.Contains(channel)))
        {
            var allowed = string.Join(", ", _options.AllowedChannelIds.Select(id => $"<#{id.ToString(CultureInfo.InvariantCulture)}>"));
            return $"Use OpsBot commands in {allowed}.";
        }

        return null;
    }

    private async Task RegisterCommandsAsync(ulong applicationId, CancellationToken cancellationToken)
    {
        var guildId = _options.GuildId ?? 0;
        try
        {
            await rest.BulkOverwriteGuildCommandsAsync(applicationId, guildId, interactions.BuildCommandsJson(), cancellationToken);
            Interlocked.Exchange(ref _registration, 2);
            Log.Registered(logger, interactions.SlashCommands.Count, guildId, string.Join(", ", interactions.SlashCommands.Select(c => "/" + c.Name)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The next READY tries again.
            Interlocked.Exchange(ref _registration, 0);
            Log.RegistrationFailed(logger, guildId, ex);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Exchange(ref _registration, 0);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerRegistered, Level = LogLevel.Information, Message = "Registered {Count} Discord commands in guild {GuildId}: {Commands}.")]
        public static partial void Registered(ILogger logger, int count, ulong guildId, string commands);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerRegistrationFailed, Level = LogLevel.Error,
            Message = "Registering Discord commands in guild {GuildId} failed; retrying after the next READY.")]
        public static partial void RegistrationFailed(ILogger logger, ulong guildId, Exception exception);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerMalformed, Level = LogLevel.Warning, Message = "Discord sent a malformed interaction ({Problem}); ignored.")]
        public static partial void Malformed(ILogger logger, string problem);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerDuplicate, Level = LogLevel.Information,
            Message = "Discord interaction {InteractionId} already handled (replayed event); skipped.")]
        public static partial void Duplicate(ILogger logger, ulong interactionId);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerOutsideScope, Level = LogLevel.Warning,
            Message = "Discord interaction {InteractionId} from user {UserId} refused: guild {GuildId} / channel {ChannelId} is not configured for OpsBot.")]
        public static partial void OutsideScope(ILogger logger, ulong interactionId, ulong userId, ulong guildId, ulong channelId);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerHandlingFailed, Level = LogLevel.Error, Message = "Discord interaction {InteractionId} could not be handled.")]
        public static partial void HandlingFailed(ILogger logger, ulong interactionId, Exception exception);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordInteractionHandlerApplicationIdMismatch, Level = LogLevel.Warning,
            Message = "Discord:ApplicationId is {Configured} but READY reports {Actual}; using {Actual}.")]
        public static partial void ApplicationIdMismatch(ILogger logger, ulong configured, ulong actual);
    }
}
