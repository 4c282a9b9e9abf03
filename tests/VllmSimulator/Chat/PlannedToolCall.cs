namespace OpsBot.VllmSimulator.Chat;

/// <summary>A parsed call as the non-streaming response reports it.</summary>
internal sealed record PlannedToolCall(string Name, string Arguments);
