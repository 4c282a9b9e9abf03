namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>One tool call recovered from model text. <see cref="ArgumentsJson"/> is always a JSON object text.</summary>
internal sealed record ExtractedToolCall(string Id, string Name, string ArgumentsJson);
