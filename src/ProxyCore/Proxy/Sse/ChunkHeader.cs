using System.Text.Json;

namespace OpsBot.ProxyCore.Proxy.Sse;

/// <summary>The fields every chunk of one stream repeats, taken from the upstream answer.</summary>
internal sealed record ChunkHeader(string Id, long Created, string Model)
{
    public static ChunkHeader From(JsonElement root, TimeProvider time) => new(
        root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "chatcmpl-" + Guid.NewGuid().ToString("N"),
        root.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var c) ? c : time.GetUtcNow().ToUnixTimeSeconds(),
        root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String ? model.GetString()! : "");

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteString("id", Id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", Created);
        writer.WriteString("model", Model);
    }
}
