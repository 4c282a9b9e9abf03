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
}
