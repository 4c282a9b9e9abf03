using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>
/// One REST call the fake received. <see cref="Body"/> is the JSON body, or the payload_json part of a multipart upload.
/// </summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string Body,
    IReadOnlyList<RecordedFile> Files,
    int Status,
    string ResponseBody,
    TimeSpan At)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public bool Is(string method, string pathPrefix) =>
        string.Equals(Method, method, StringComparison.OrdinalIgnoreCase) && Path.StartsWith(pathPrefix, StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Path} -> {Status} {Body}";
}
