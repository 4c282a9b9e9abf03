using OpsBot.ProxyCore.ToolCalls.Json;

using static OpsBot.ProxyCore.ToolCalls.Formats.ToolCallMarkers;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// Mistral: <c>[TOOL_CALLS][{…}, …]</c> (tokenizer &lt; v11) or <c>[TOOL_CALLS]name[ARGS]{…}</c> (v11+,
/// Devstral / Small 3.2), one marker per call in the latter.
/// </summary>
internal static class MistralFormat
{
    private const int MaxNameLength = 128;

    public static bool TryExtract(ExtractionContext context)
    {
        var text = context.Text.AsSpan();
        int from = 0;
        while (from < text.Length)
        {
            int k = text[from..].IndexOf(MistralToolCalls, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            int at = from + k;
            var header = ParseHeader(text, at, isFinal: true, out int jsonStart, out var name);
            if (header == MatchResult.Match
                && JsonScanner.Scan(text, jsonStart, out int end) is var status
                && context.Charge(end - jsonStart)
                && status == ScanStatus.Complete
                && TryRead(text[jsonStart..end], name, context.Tools, context.Calls))
            {
                context.AddSpan(at, end);
                from = end;
            }
            else
            {
                from = at + MistralToolCalls.Length;
            }

            if (context.BudgetExhausted)
            {
                break;
            }
        }

        return context.Calls.Count > 0;
    }

    /// <summary>
    /// Parses what follows the marker up to the start of its JSON. <paramref name="name"/> is set for the
    /// v11 <c>name[ARGS]</c> form, where the JSON is the arguments object; otherwise the JSON holds calls.
    /// </summary>
    public static MatchResult ParseHeader(ReadOnlySpan<char> text, int marker, bool isFinal, out int jsonStart, out string? name)
    {
        name = null;
        jsonStart = -1;
        int i = JsonText.SkipWhitespace(text, marker + MistralToolCalls.Length);
        if (i >= text.Length)
        {
            return isFinal ? MatchResult.NoMatch : MatchResult.NeedMore;
        }

        if (text[i] is '[' or '{')
        {
            jsonStart = i;
            return MatchResult.Match;
        }

        int nameStart = i;
        while (i < text.Length && i - nameStart <= MaxNameLength && text[i] != '[' && !char.IsWhiteSpace(text[i]) && text[i] != '{')
        {
            i++;
        }

        if (i >= text.Length)
        {
            return isFinal || i - nameStart > MaxNameLength ? MatchResult.NoMatch : MatchResult.NeedMore;
        }

        if (i == nameStart || i - nameStart > MaxNameLength || text[i] != '[')
        {
            return MatchResult.NoMatch;
        }

        var rest = text[i..];
        if (!rest.StartsWith(MistralArgs, StringComparison.Ordinal))
        {
            bool prefix = rest.Length < MistralArgs.Length && MistralArgs.AsSpan().StartsWith(rest);
            return prefix && !isFinal ? MatchResult.NeedMore : MatchResult.NoMatch;
        }

        int json = JsonText.SkipWhitespace(text, i + MistralArgs.Length);
        if (json >= text.Length)
        {
            return isFinal ? MatchResult.NoMatch : MatchResult.NeedMore;
        }

        if (text[json] != '{')
        {
            return MatchResult.NoMatch;
        }

        name = new string(text[nameStart..i]);
        jsonStart = json;
        return MatchResult.Match;
    }

    /// <summary>The complete JSON after the header: calls, or (v11) the arguments of the named tool.</summary>
    public static bool TryRead(ReadOnlySpan<char> json, string? name, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        if (name is null)
        {
            return JsonCallReader.TryReadCalls(json, tools, sink);
        }

        if (!tools.Contains(name) || json.IsEmpty || json[0] != '{')
        {
            return false;
        }

        if (sink is not null)
        {
            var pooled = PooledJsonWriter.Rent();
            JsonValueWriter.WriteValidated(pooled.Writer, json);
            sink.Add(new ExtractedToolCall(ToolCallIds.New(), name, pooled.ToStringAndReturn()));
        }

        return true;
    }
}
