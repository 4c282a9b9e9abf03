namespace OpsBot.Charts;

/// <summary>Where the daily digest goes (Discord's alert channel when the bot is configured, else the log). May throw: the digest logs it.</summary>
public interface IDigestSink
{
    Task SendAsync(DailyDigest digest, CancellationToken cancellationToken);
}
