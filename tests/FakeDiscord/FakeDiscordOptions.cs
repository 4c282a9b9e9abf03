namespace OpsBot.FakeDiscord;

public sealed class FakeDiscordOptions
{
    public string Token { get; set; } = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.fake.b0t-t0ken-for-tests-only";

    public ulong ApplicationId { get; set; } = 1300000000000000001;

    public ulong GuildId { get; set; } = 1300000000000000100;

    /// <summary>Short so heartbeat and zombie tests finish in about a second.</summary>
    public int HeartbeatIntervalMs { get; set; } = 400;

    /// <summary>Interaction callbacks later than this after dispatch get 404 10062, as on Discord.</summary>
    public TimeSpan InteractionDeadline { get; set; } = TimeSpan.FromSeconds(3);

    public int SessionStartRemaining { get; set; } = 1000;

    public int SessionStartResetAfterMs { get; set; } = 60_000;

    /// <summary>Gateway messages larger than this are sent in several frames, to exercise client-side reassembly.</summary>
    public int FrameChunkSize { get; set; } = 700;

    /// <summary>
    /// The fake's clock: the 3 s callback deadline, the 15-minute token, rate-limit windows and the heartbeat timeout
    /// all read it, so a test can move time instead of waiting. <see cref="TimeProvider.System"/> when null.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>After the interaction is created its token works this long for edits and followups (then 401 50027).</summary>
    public TimeSpan InteractionTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Channels that exist; posting anywhere else gets 404 10003 Unknown Channel.</summary>
    public ISet<ulong> ChannelIds { get; } = new HashSet<ulong> { FakeInteractions.OpsChannelId, FakeInteractions.AlertsChannelId };

    /// <summary>Discord's default per-route buckets and the global 50/s limit, advertised on every response (see <see cref="DefaultRateLimits"/>).</summary>
    public bool DefaultRateLimits { get; set; } = true;

    /// <summary>
    /// A session that sends no heartbeat for this long is closed with 4009. Null: twice the interval plus 10 s, so a
    /// bot that is merely slow on a loaded machine is not cut off; tests of the rule set it small and move the clock.
    /// </summary>
    public TimeSpan? HeartbeatTimeout { get; set; }

    /// <summary>Privileged intents the application was granted in the portal (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT); others close with 4014.</summary>
    public int GrantedPrivilegedIntents { get; set; }

    internal TimeProvider Time => TimeProvider ?? System.TimeProvider.System;
}
