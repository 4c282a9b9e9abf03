using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI.Chat;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>Splits an SSE body into its <c>data:</c> payloads and lets the OpenAI SDK parse them.</summary>
public static class SseEvents
{
    public static IReadOnlyList<string> Data(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Trim())
            .Where(e => e.StartsWith("data: ", StringComparison.Ordinal))
            .Select(e => e["data: ".Length..])
            .ToList();

    /// <summary>Every JSON chunk before <c>[DONE]</c>, parsed by the official SDK's own model reader.</summary>
    public static IReadOnlyList<StreamingChatCompletionUpdate> ParseWithSdk(string body) =>
        Data(body).Where(d => d != "[DONE]")
            .Select(d => ModelReaderWriter.Read<StreamingChatCompletionUpdate>(BinaryData.FromString(d))!)
            .ToList();

    public static JsonElement Json(string data) => JsonDocument.Parse(data).RootElement;
}
