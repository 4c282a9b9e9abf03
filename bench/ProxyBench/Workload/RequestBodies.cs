using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsBot.Bench.Workload;

/// <summary>
/// The request bodies the benchmark sends: the captured OpenClaw "What is 2+2?" turn (stream:true, 22 tools),
/// compacted the way OpenClaw sends it, and the same turn with its system prompt padded to exactly 1 MiB.
/// </summary>
internal sealed record RequestBodies(byte[] OpenClaw, byte[] OneMebibyte, string SourcePath)
{
    public const int LargeBodyBytes = 1024 * 1024;

    private const string CaptureName = "openclaw-2026.2.12-mode-a-sse-what-is-2+2.json";

    // Relaxed escaping keeps the capture's bytes (\u003C etc. would inflate it and change what is measured).
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static RequestBodies Load(string referenceDirectory)
    {
        var path = Path.Combine(referenceDirectory, "openclaw", CaptureName);
        var capture = JsonNode.Parse(File.ReadAllBytes(path))?.AsObject()
            ?? throw new InvalidDataException($"{path} is not a JSON object.");
        var openClaw = Encoding.UTF8.GetBytes(capture.ToJsonString(Compact));

        var system = capture["messages"]?.AsArray().OfType<JsonObject>().FirstOrDefault(m => (string?)m["role"] == "system")
            ?? throw new InvalidDataException($"{path} has no system message to pad.");
        var prompt = (string?)system["content"] ?? throw new InvalidDataException("The system message content is not a string.");
        var padding = LargeBodyBytes - openClaw.Length;
        system["content"] = prompt + Filler(padding);
        var large = Encoding.UTF8.GetBytes(capture.ToJsonString(Compact));
        if (large.Length != LargeBodyBytes)
        {
            throw new InvalidOperationException($"Padded body is {large.Length} bytes, expected {LargeBodyBytes}.");
        }

        return new RequestBodies(openClaw, large, path);
    }

    /// <summary>ASCII prose without characters JSON escapes, so each char adds exactly one byte.</summary>
    private static string Filler(int length)
    {
        const string Line = " Earlier in this session the agent read files, ran commands and summarised their output for the user.";
        var builder = new StringBuilder(length + Line.Length);
        while (builder.Length < length)
        {
            builder.Append(Line);
        }

        return builder.ToString(0, length);
    }
}
