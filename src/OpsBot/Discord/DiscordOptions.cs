namespace OpsBot.Discord;

/// <summary>Configuration section <c>Discord</c>. Without a <see cref="Token"/> the bot stays off.</summary>
public sealed class DiscordOptions
{
    public const string SectionName = "Discord";

    public const string DefaultRestBaseUrl = "https://discord.com/api/v10";

    /// <summary>The raw bot token (no "Bot " prefix). Secret: never logged.</summary>
    public string? Token { get; set; }

    /// <summary>Optional; READY reports the real id. A mismatch is logged.</summary>
    public ulong? ApplicationId { get; set; }

    /// <summary>The only guild where commands are registered and accepted.</summary>
    public ulong? GuildId { get; set; }

    public ulong? AlertChannelId { get; set; }

    /// <summary>Members with any of these roles may use /restart and /smoke.</summary>
    public ulong[] AdminRoleIds { get; set; } = [];

    /// <summary>These users may use /restart and /smoke regardless of roles.</summary>
    public ulong[] AdminUserIds { get; set; } = [];

    /// <summary>When non-empty, commands are only accepted in these channels.</summary>
    public ulong[] AllowedChannelIds { get; set; } = [];

    public string RestBaseUrl { get; set; } = DefaultRestBaseUrl;

    /// <summary>Goes into the mandatory <c>DiscordBot (url, version)</c> User-Agent.</summary>
    public string UserAgentUrl { get; set; } = "https://example.invalid/opsbot";

    /// <summary>Gateway intents. Interactions need none, so 0 keeps the gateway quiet.</summary>
    public int Intents { get; set; }

    /// <summary>Minimum time between two restarts of the same service.</summary>
    public TimeSpan RestartCooldown { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the requester has to press the confirm button.</summary>
    public TimeSpan RestartConfirmTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A command that has not answered by then is deferred for it (Discord's limit is 3 s).</summary>
    public TimeSpan AutoDeferAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Spacing between identifies (Discord allows one per 5 s for small bots).</summary>
    public TimeSpan IdentifyInterval { get; set; } = TimeSpan.FromSeconds(5.5);

    /// <summary>Op 9 (not resumable) waits a random time in [min, max] before identifying again.</summary>
    public TimeSpan InvalidSessionDelayMin { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan InvalidSessionDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectDelayInitial { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Consecutive failed resumes before falling back to a fresh identify.</summary>
    public int MaxResumeAttempts { get; set; } = 3;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries of one REST call after 429 or 5xx.</summary>
    public int RestMaxRetries { get; set; } = 3;

    public TimeSpan RestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>While Discord is unreachable, how often one summary line goes to the journal instead of a line per retry.</summary>
    public TimeSpan OutageSummaryInterval { get; set; } = TimeSpan.FromMinutes(10);
}
