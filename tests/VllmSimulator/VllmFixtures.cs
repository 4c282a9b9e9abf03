using System.Reflection;

namespace OpsBot.VllmSimulator;

/// <summary>
/// The reference vLLM v0.15 payloads (shared/reference/vllm/fixtures), embedded so tests can compare shapes
/// and replay them with <see cref="SimulatedAnswer.RawJson"/> / <see cref="SimulatedAnswer.RawSse"/>.
/// </summary>
public static class VllmFixtures
{
    private const string Prefix = "VllmFixtures.";
    private static readonly Assembly Assembly = typeof(VllmFixtures).Assembly;

    /// <summary>File names, e.g. <c>stream_text.sse</c>, <c>nonstream_tool_calls_native.json</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static string Read(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + name)
            ?? throw new ArgumentException($"No vLLM fixture named '{name}'. Known: {string.Join(", ", Names)}", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A replay answer: <c>.sse</c> files as a stream, anything else as a JSON body (error_NNN_* with that status).</summary>
    public static SimulatedAnswer Answer(string name)
    {
        var text = Read(name);
        if (name.EndsWith(".sse", StringComparison.Ordinal))
        {
            return SimulatedAnswer.RawSse(text);
        }

        var status = name.StartsWith("error_", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6, 3), out var code) ? code : 200;
        return SimulatedAnswer.RawJson(text, status);
    }
}
