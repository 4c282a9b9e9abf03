using System.Text.RegularExpressions;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// The proxy's one Information line per chat completion (ProxyCore's CompletionEventPublisher, event id 100):
/// <c>completion model=M path=P stream=B tools=B status=N latency_ms=N prompt_tokens=N completion_tokens=N
/// tool_calls=N format=F content_len=N empty=B empty_retries=N continued=B error=E</c>. Parsed here and nowhere else, so a format change
/// breaks one file.
/// </summary>
public sealed partial record ProxyCompletionLogLine(
    string Line,
    string? Path,
    bool Streamed,
    bool HasTools,
    int? UpstreamStatus,
    int? CompletionTokens,
    int ToolCalls,
    string? Format,
    int ContentLength,
    bool EmptyAnswer,
    int EmptyRetries,
    bool Continued,
    string? Error)
{
    public static ProxyCompletionLogLine? TryParse(string line)
    {
        var start = line.IndexOf("completion model=", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var text = line[start..];
        var errorAt = text.IndexOf(" error=", StringComparison.Ordinal);
        var error = errorAt < 0 ? null : text[(errorAt + " error=".Length)..].Trim();
        var fields = Field().Matches(errorAt < 0 ? text : text[..errorAt])
            .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);

        string? Text(string key) => fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
        int? Number(string key) => int.TryParse(Text(key), out var value) ? value : null;
        bool Flag(string key) => bool.TryParse(Text(key), out var value) && value;

        if (!fields.ContainsKey("empty"))
        {
            return null;
        }

        return new ProxyCompletionLogLine(
            line,
            Text("path"),
            Flag("stream"),
            Flag("tools"),
            Number("status"),
            Number("completion_tokens"),
            Number("tool_calls") ?? 0,
            Text("format"),
            Number("content_len") ?? 0,
            Flag("empty"),
            Number("empty_retries") ?? 0,
            Flag("continued"),
            string.IsNullOrEmpty(error) ? null : error);
    }

    [GeneratedRegex(@"(?<key>[a-z_]+)=(?<value>\S*)")]
    private static partial Regex Field();
}
