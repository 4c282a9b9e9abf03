namespace OpsBot.Discord.Rest;

public sealed record GatewayBotInfo(Uri Url, int Shards, SessionStartLimit SessionStartLimit);
