using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy.Chat;

/// <summary>
/// The trailing run of identical tool calls in a conversation's history: how many times in a row
/// the agent called <see cref="Name"/> with the same arguments (compared as JSON, not as text).
/// </summary>
internal readonly record struct ToolCallRun(string? Name, JsonElement Arguments, int Length)
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    public static ToolCallRun None => default;

    public ToolCallRun Append(JsonElement call)
    {
        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
            || !function.TryGetProperty("name", out var nameElement) || nameElement.ValueKind != JsonValueKind.String)
        {
            return None;
        }

        var name = nameElement.GetString()!;
        var arguments = ParseArguments(function);
        return Length > 0 && name == Name && JsonElement.DeepEquals(arguments, Arguments)
            ? this with { Length = Length + 1 }
            : new ToolCallRun(name, arguments, 1);
    }

    private static JsonElement ParseArguments(JsonElement function)
    {
        if (!function.TryGetProperty("arguments", out var arguments) || arguments.ValueKind == JsonValueKind.Null
            || (arguments.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(arguments.GetString())))
        {
            return EmptyObject;
        }

        if (arguments.ValueKind != JsonValueKind.String)
        {
            return arguments;
        }

        // Arguments arrive as JSON text; two texts that differ only in spacing are the same call.
        try
        {
            using var document = JsonDocument.Parse(arguments.GetString()!);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return arguments;
        }
    }
}
