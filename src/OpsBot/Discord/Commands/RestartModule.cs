using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>
/// /restart: admin only, confirmed with a button only the requester can press, rate limited per service by a cooldown,
/// with progress edits and the time until healthy at the end.
/// </summary>
[RequireAdmin]
public sealed partial class RestartModule(
    IRestartService restarts,
    RestartConfirmations confirmations,
    RestartCooldowns cooldowns,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<RestartModule> logger) : InteractionModuleBase
{
    public const string ConfirmPrefix = "restart:confirm";
    public const string CancelPrefix = "restart:cancel";

    [SlashCommand("restart", "Restart one service (asks for confirmation)")]
    public async Task RestartAsync(
        [Summary("service", "Service to restart")]
        StackService target)
    {
        var service = EnumNames<StackService>.NameOf(target);
        var wait = cooldowns.Remaining(target);
        if (wait > TimeSpan.Zero)
        {
            await RespondAsync($"⏳ `{service}` was restarted recently; try again in {DiscordText.Duration(wait)}.", ephemeral: true);
            return;
        }

        var responder = Context.Responder;
        var pending = confirmations.Create(
            target,
            Context.User.Id,
            ct => responder.ModifyOriginalAsync(DiscordMessage.FromText($"⌛ Restart of `{service}` was not confirmed in time; nothing was restarted."), ct));
        var timeout = DiscordText.Duration(options.Value.RestartConfirmTimeout);
        await RespondAsync(new DiscordMessage
        {
            Content = $"Restart **{service}**? {Context.User.Mention}, confirm within {timeout}.",
            Buttons =
            [
                new DiscordButton($"{ConfirmPrefix}:{service}:{pending.Nonce}", $"Restart {service}", DiscordButtonStyle.Danger),
                new DiscordButton($"{CancelPrefix}:{service}:{pending.Nonce}", "Cancel"),
            ],
        });
    }

    [ComponentInteraction(ConfirmPrefix + ":*:*")]
    public async Task ConfirmAsync(string service, string nonce)
    {
        if (!EnumNames<StackService>.TryParseExact(service, out var target))
        {
            await RespondAsync("⚠️ Unknown service in this button.", ephemeral: true);
            return;
        }

        var user = Context.User;
        switch (confirmations.TryTake(nonce, target, user.Id, out var pending))
        {
            case ConfirmationOutcome.WrongUser:
                Log.WrongUser(logger, service, user.Username, user.Id, pending!.RequesterId);
                await RespondAsync($"⚠️ Only <@{pending.RequesterId}> can confirm this restart.", ephemeral: true);
                return;
            case ConfirmationOutcome.NotFound or ConfirmationOutcome.Expired:
                await ModifyOriginalAsync(DiscordMessage.FromText($"⌛ This restart confirmation for `{service}` has expired; run /restart again."));
                return;
        }

        if (!cooldowns.TryStart(target, out var wait))
        {
            await ModifyOriginalAsync(DiscordMessage.FromText($"⏳ `{service}` was restarted recently; try again in {DiscordText.Duration(wait)}."));
            return;
        }

        Log.Restarting(logger, service, user.Username, user.Id);
        var heading = $"🔄 Restarting **{service}** (requested by {user.Mention})…";
        await ModifyOriginalAsync(DiscordMessage.FromText(heading));

        var progress = new ProgressMessage(
            (lines, ct) => Context.Responder.ModifyOriginalAsync(DiscordMessage.FromText($"{heading}\n{DiscordText.TailCodeBlock(lines, 1800).Block}"), ct),
            logger,
            CancellationToken);
        var started = time.GetTimestamp();
        RestartResult result;
        try
        {
            result = await restarts.RestartAsync(target, $"{user.Username} ({user.Id}) via Discord", progress, CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RestartThrew(logger, service, ex);
            result = new RestartResult(target, false, $"Restart failed: {ex.GetType().Name} (details in the OpsBot log).", time.GetElapsedTime(started), null);
        }

        await progress.FlushAsync();
        Log.Restarted(logger, service, result.Succeeded, result.Elapsed.TotalSeconds, result.TimeToHealthy?.TotalSeconds);
        await ModifyOriginalAsync(new DiscordMessage { Embeds = [BuildResultEmbed(service, result, progress.Lines, user, time.GetUtcNow())] });
    }

    [ComponentInteraction(CancelPrefix + ":*:*")]
    public async Task CancelAsync(string service, string nonce)
    {
        if (!EnumNames<StackService>.TryParseExact(service, out var target))
        {
            await RespondAsync("⚠️ Unknown service in this button.", ephemeral: true);
            return;
        }

        switch (confirmations.TryTake(nonce, target, Context.User.Id, out var pending))
        {
            case ConfirmationOutcome.WrongUser:
                await RespondAsync($"⚠️ Only <@{pending!.RequesterId}> can cancel this restart.", ephemeral: true);
                return;
            case ConfirmationOutcome.Confirmed:
                await ModifyOriginalAsync(DiscordMessage.FromText($"Restart of `{service}` cancelled by {Context.User.Mention}."));
                return;
            default:
                await ModifyOriginalAsync(DiscordMessage.FromText($"⌛ This restart confirmation for `{service}` has expired."));
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
