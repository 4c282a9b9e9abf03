using System.Text.Json;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>Read-only view of a recorded /v1/chat/completions body, for assertions on what OpenClaw sent.</summary>
public sealed record ChatRequestBody(JsonElement Root)
{
    public bool Stream => Root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;

    public IReadOnlyList<string> ToolNames =>
        Root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
            ? tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!).ToList()
            : [];

    public IReadOnlyList<JsonElement> Messages =>
        Root.TryGetProperty("messages", out var messages) ? messages.EnumerateArray().ToList() : [];

    public IReadOnlyList<JsonElement> MessagesWithRole(string role) =>
        Messages.Where(m => m.GetProperty("role").GetString() == role).ToList();

    public static ChatRequestBody From(JsonElement? json) =>
        json is { ValueKind: JsonValueKind.Object } root
            ? new ChatRequestBody(root)
            : throw new InvalidOperationException("The recorded request body is not a JSON object.");

    /// <summary>A message's text whether OpenClaw sent a string or an array of <c>{type:text}</c> parts.</summary>
    public static string TextOf(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return string.Empty;
        }

        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString()!,
            JsonValueKind.Array => string.Concat(content.EnumerateArray()
                .Where(p => p.TryGetProperty("text", out _))
                .Select(p => p.GetProperty("text").GetString())),
            _ => string.Empty,
        };
    }
}
