namespace OpsBot.Tests.Cli;

/// <summary>Stands in for another part's options in check-config tests.</summary>
public sealed class SampleBotOptions
{
    public string? Token { get; set; }

    public ulong AlertChannelId { get; set; }
}
