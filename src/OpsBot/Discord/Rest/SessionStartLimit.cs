namespace OpsBot.Discord.Rest;

/// <summary>Identify budget from <c>GET /gateway/bot</c>: exceeding it makes Discord reset the bot token.</summary>
public sealed record SessionStartLimit(int Total, int Remaining, TimeSpan ResetAfter, int MaxConcurrency);
