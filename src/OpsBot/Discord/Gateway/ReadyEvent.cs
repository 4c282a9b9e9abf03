namespace OpsBot.Discord.Gateway;

/// <summary>What OpsBot keeps from READY.</summary>
public sealed record ReadyEvent(ulong ApplicationId, ulong UserId, string UserName, string SessionId, Uri ResumeGatewayUrl);
