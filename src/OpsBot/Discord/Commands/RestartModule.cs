using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Discord.Commands;

/// <summary>
/// /restart: admin only, confirmed with a button only the requester can press, rate limited per service (and target) by a
/// cooldown, with progress edits and the time until healthy at the end. With several gateways or vLLM containers the
/// <c>target</c> option (autocompleted from the configuration) must name one; the buttons carry it.
/// </summary>
[RequireAdmin]
public sealed partial class RestartModule(
    IRestartService restarts,
    RestartConfirmations confirmations,
    RestartCooldowns cooldowns,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<RestartModule> logger,
    OpsTargets? targets = null) : InteractionModuleBase
{
    public const string ConfirmPrefix = "restart:confirm";
    public const string CancelPrefix = "restart:cancel";

    [SlashCommand("restart", "Restart one service (asks for confirmation)")]
    public async Task RestartAsync(
        [Summary("service", "Service to restart")]
        StackService service,
        [Summary("target", "Which gateway or vLLM, when several are configured")]
        [Autocomplete(typeof(ServiceTargetAutocomplete))]
        string? target = null)
    {
        if (!CommandTargets.TryResolve(targets, service, target, required: true, out var name, out var error))
        {
            await RespondAsync("⚠️ " + error, ephemeral: true);
            return;
        }

        var label = CommandTargets.Label(service, name);
        var wait = cooldowns.Remaining(service, name);
        if (wait > TimeSpan.Zero)
        {
            await RespondAsync($"⏳ `{label}` was restarted recently; try again in {DiscordText.Duration(wait)}.", ephemeral: true);
            return;
        }

        var responder = Context.Responder;
        var pending = confirmations.Create(
            service,
            name,
            Context.User.Id,
            ct => responder.ModifyOriginalAsync(DiscordMessage.FromText($"⌛ Restart of `{label}` was not confirmed in time; nothing was restarted."), ct));
        var timeout = DiscordText.Duration(options.Value.RestartConfirmTimeout);
        // The target rides in the custom_id (names are [a-z0-9_-], no colon), so the press is checked against what was asked.
        var key = name is null ? EnumNames<StackService>.NameOf(service) : $"{EnumNames<StackService>.NameOf(service)}:{name}";
        await RespondAsync(new DiscordMessage
        {
            Content = $"Restart **{label}**? {Context.User.Mention}, confirm within {timeout}.",
            Buttons =
            [
                new DiscordButton($"{ConfirmPrefix}:{key}:{pending.Nonce}", $"Restart {label}", DiscordButtonStyle.Danger),
                new DiscordButton($"{CancelPrefix}:{key}:{pending.Nonce}", "Cancel"),
            ],
        });
    }

    [ComponentInteraction(ConfirmPrefix + ":*:*")]
    public Task ConfirmAsync(string service, string nonce) => ConfirmTargetAsync(service, null, nonce);

    [ComponentInteraction(ConfirmPrefix + ":*:*:*")]
    public Task ConfirmAsync(string service, string target, string nonce) => ConfirmTargetAsync(service, target, nonce);

    [ComponentInteraction(CancelPrefix + ":*:*")]
    public Task CancelAsync(string service, string nonce) => CancelTargetAsync(service, null, nonce);

    [ComponentInteraction(CancelPrefix + ":*:*:*")]
    public Task CancelAsync(string service, string target, string nonce) => CancelTargetAsync(service, target, nonce);

    private async Task ConfirmTargetAsync(string serviceWord, string? name, string nonce)
    {
        if (!EnumNames<StackService>.TryParseExact(serviceWord, out var service))
        {
            await RespondAsync("⚠️ Unknown service in this button.", ephemeral: true);
            return;
        }

        var label = CommandTargets.Label(service, name);
        var user = Context.User;
        switch (confirmations.TryTake(nonce, service, name, user.Id, out var pending))
        {
            case ConfirmationOutcome.WrongUser:
                Log.WrongUser(logger, label, user.Username, user.Id, pending!.RequesterId);
                await RespondAsync($"⚠️ Only <@{pending.RequesterId}> can confirm this restart.", ephemeral: true);
                return;
            case ConfirmationOutcome.NotFound or ConfirmationOutcome.Expired:
                await ModifyOriginalAsync(DiscordMessage.FromText($"⌛ This restart confirmation for `{label}` has expired; run /restart again."));
                return;
        }

        if (!cooldowns.TryStart(service, name, out var wait))
        {
            await ModifyOriginalAsync(DiscordMessage.FromText($"⏳ `{label}` was restarted recently; try again in {DiscordText.Duration(wait)}."));
            return;
        }

        Log.Restarting(logger, label, user.Username, user.Id);
        var heading = $"🔄 Restarting **{label}** (requested by {user.Mention})…";
        await ModifyOriginalAsync(DiscordMessage.FromText(heading));

        var progress = new ProgressMessage(
            (lines, ct) => Context.Responder.ModifyOriginalAsync(DiscordMessage.FromText($"{heading}\n{DiscordText.TailCodeBlock(lines, 1800).Block}"), ct),
            logger,
            CancellationToken);
        var started = time.GetTimestamp();
        RestartResult result;
        try
        {
            var requestedBy = $"{user.Username} ({user.Id}) via Discord";
            result = await (name is null
                ? restarts.RestartAsync(service, requestedBy, progress, CancellationToken)
                : restarts.RestartAsync(service, name, requestedBy, progress, CancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RestartThrew(logger, label, ex);
            result = new RestartResult(service, false, $"Restart failed: {ex.GetType().Name} (details in the OpsBot log).", time.GetElapsedTime(started), null);
        }

        await progress.FlushAsync();
        Log.Restarted(logger, label, result.Succeeded, result.Elapsed.TotalSeconds, result.TimeToHealthy?.TotalSeconds);
        await ModifyOriginalAsync(new DiscordMessage { Embeds = [BuildResultEmbed(label, result, progress.Lines, user, time.GetUtcNow())] });
    }

    private async Task CancelTargetAsync(string serviceWord, string? name, string nonce)
    {
        if (!EnumNames<StackService>.TryParseExact(serviceWord, out var service))
        {
            await RespondAsync("⚠️ Unknown service in this button.", ephemeral: true);
            return;
        }

        var label = CommandTargets.Label(service, name);
        switch (confirmations.TryTake(nonce, service, name, Context.User.Id, out var pending))
        {
            case ConfirmationOutcome.WrongUser:
                await RespondAsync($"⚠️ Only <@{pending!.RequesterId}> can cancel this restart.", ephemeral: true);
                return;
            case ConfirmationOutcome.Confirmed:
                await ModifyOriginalAsync(DiscordMessage.FromText($"Restart of `{label}` cancelled by {Context.User.Mention}."));
                return;
            default:
                await ModifyOriginalAsync(DiscordMessage.FromText($"⌛ This restart confirmation for `{label}` has expired."));
                return;
        }
    }

    public static DiscordEmbed BuildResultEmbed(string service, RestartResult result, IReadOnlyList<string> progress, InteractionUser requester, DateTimeOffset now)
    {
        var description = result.Message;
        if (progress.Count > 0)
        {
            description += "\n" + DiscordText.TailCodeBlock(progress, 3000).Block;
        }

        return new DiscordEmbed
        {
            Title = $"Restart: {service}",
            Description = description,
            Color = result.Succeeded ? DiscordColors.Green : DiscordColors.Red,
            Fields =
            [
                new DiscordEmbedField("Result", result.Succeeded ? "✅ healthy" : "❌ failed", Inline: true),
                new DiscordEmbedField("Healthy after", result.TimeToHealthy is { } healthy ? DiscordText.Duration(healthy) : "not healthy", Inline: true),
                new DiscordEmbedField("Took", DiscordText.Duration(result.Elapsed), Inline: true),
                new DiscordEmbedField("Requested by", requester.Mention, Inline: true),
            ],
            Timestamp = now,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.RestartModuleRestarting, Level = LogLevel.Warning, Message = "Restart of {Service} confirmed by {UserName} ({UserId}) via Discord.")]
        public static partial void Restarting(ILogger logger, string service, string userName, ulong userId);

        [LoggerMessage(EventId = OpsBotEventIds.RestartModuleRestarted, Level = LogLevel.Information,
            Message = "Restart of {Service} finished: succeeded {Succeeded}, took {Seconds:0.0} s, healthy after {HealthySeconds} s.")]
        public static partial void Restarted(ILogger logger, string service, bool succeeded, double seconds, double? healthySeconds);

        [LoggerMessage(EventId = OpsBotEventIds.RestartModuleRestartThrew, Level = LogLevel.Error, Message = "Restart of {Service} threw.")]
        public static partial void RestartThrew(ILogger logger, string service, Exception exception);

        [LoggerMessage(EventId = OpsBotEventIds.RestartModuleWrongUser, Level = LogLevel.Warning,
            Message = "{UserName} ({UserId}) pressed the restart {Service} confirmation of user {RequesterId}; refused.")]
        public static partial void WrongUser(ILogger logger, string service, string userName, ulong userId, ulong requesterId);
    }
}
