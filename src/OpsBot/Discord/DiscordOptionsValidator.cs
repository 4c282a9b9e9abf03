using Microsoft.Extensions.Options;

namespace OpsBot.Discord;

/// <summary>Fails start-up with messages that name the exact configuration key to fix.</summary>
public sealed class DiscordOptionsValidator : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        var token = options.Token;

        if (string.IsNullOrWhiteSpace(token))
        {
            // The bot is only registered when a token exists; nothing else is worth checking without one.
            return ValidateOptionsResult.Success;
        }

        if (token.StartsWith("Bot ", StringComparison.OrdinalIgnoreCase))
        {
            errors.AddError("Discord:Token must be the raw bot token, without the 'Bot ' prefix.");
        }
        else if (token.Any(char.IsWhiteSpace))
        {
            errors.AddError("Discord:Token contains whitespace; copy the token again from the Developer Portal (Bot > Reset Token).");
        }

        if (options.GuildId is null or 0)
        {
            errors.AddError("Discord:GuildId is required when Discord:Token is set (commands are registered to and accepted in that guild only).");
        }

        if (options.ApplicationId == 0)
        {
            errors.AddError("Discord:ApplicationId must be a snowflake id or left out.");
        }

        if (options.AlertChannelId == 0)
        {
            errors.AddError("Discord:AlertChannelId must be a channel id or left out.");
        }

        CheckIds(options.AdminRoleIds, "Discord:AdminRoleIds", errors);
        CheckIds(options.AdminUserIds, "Discord:AdminUserIds", errors);
        CheckIds(options.AllowedChannelIds, "Discord:AllowedChannelIds", errors);

        if (!Uri.TryCreate(options.RestBaseUrl, UriKind.Absolute, out var rest) || (rest.Scheme != Uri.UriSchemeHttps && rest.Scheme != Uri.UriSchemeHttp))
        {
            errors.AddError($"Discord:RestBaseUrl must be an absolute http(s) URL such as {DiscordOptions.DefaultRestBaseUrl}.");
        }

        if (!Uri.TryCreate(options.UserAgentUrl, UriKind.Absolute, out _))
        {
            errors.AddError("Discord:UserAgentUrl must be an absolute URL (Discord requires 'DiscordBot (url, version)').");
        }

        if (options.Intents < 0)
        {
            errors.AddError("Discord:Intents must be 0 or a positive bit set.");
        }

        if (options.RestartCooldown < TimeSpan.Zero)
        {
            errors.AddError("Discord:RestartCooldown must not be negative.");
        }

        // The confirm button is answered through the command's interaction token, which Discord invalidates after 15 minutes.
        if (options.RestartConfirmTimeout <= TimeSpan.Zero || options.RestartConfirmTimeout > TimeSpan.FromMinutes(14))
        {
            errors.AddError("Discord:RestartConfirmTimeout must be positive and at most 00:14:00 (the interaction token lives 15 minutes).");
        }

        if (options.AutoDeferAfter <= TimeSpan.Zero || options.AutoDeferAfter > TimeSpan.FromSeconds(2.5))
        {
            errors.AddError("Discord:AutoDeferAfter must be positive and at most 2.5 s (Discord drops interactions not answered within 3 s).");
        }

        if (options.InvalidSessionDelayMin < TimeSpan.Zero || options.InvalidSessionDelayMax < options.InvalidSessionDelayMin)
        {
            errors.AddError("Discord:InvalidSessionDelayMin must be >= 0 and <= Discord:InvalidSessionDelayMax.");
        }

        if (options.IdentifyInterval < TimeSpan.Zero)
        {
            errors.AddError("Discord:IdentifyInterval must not be negative.");
        }

        if (options.ReconnectDelayInitial <= TimeSpan.Zero || options.ReconnectDelayMax < options.ReconnectDelayInitial)
        {
            errors.AddError("Discord:ReconnectDelayInitial must be positive and <= Discord:ReconnectDelayMax.");
        }

        if (options.MaxResumeAttempts < 1)
        {
            errors.AddError("Discord:MaxResumeAttempts must be at least 1.");
        }

        if (options.RestMaxRetries is < 0 or > 10)
        {
            errors.AddError("Discord:RestMaxRetries must be between 0 and 10.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.RestTimeout <= TimeSpan.Zero)
        {
            errors.AddError("Discord:ConnectTimeout and Discord:RestTimeout must be positive.");
        }

        if (options.OutageSummaryInterval < TimeSpan.FromSeconds(1))
        {
            errors.AddError($"Discord:OutageSummaryInterval must be at least 00:00:01 (got {options.OutageSummaryInterval}).");
        }

        return errors.Build();
    }

    private static void CheckIds(ulong[] ids, string key, ValidateOptionsResultBuilder errors)
    {
        if (ids.Contains(0UL))
        {
            errors.AddError($"{key} contains 0; list snowflake ids (e.g. {key.Replace(":", "__", StringComparison.Ordinal)}__0=1300000000000000301 as an environment variable).");
        }
    }
}
