using OpsBot.ProxyCore.ToolCalls.Json;

using static OpsBot.ProxyCore.ToolCalls.Formats.ToolCallMarkers;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// A Markdown fence whose body is one or more JSON calls: <c>```json\n{…}\n```</c> (also without a
/// language). Fences pair up in order (opener, next <c>```</c> closes), and an unclosed fence runs to
/// the end, so a call cut off only by a missing closing fence is still recovered.
/// </summary>
internal static class FencedJsonFormat
{
    public static bool TryExtract(ExtractionContext context)
    {
        var text = context.Text.AsSpan();
        int from = 0;
        while (TextBlocks.Next(text, from, Fence, Fence, out var block))
        {
            if (Evaluate(text, block.Open, block.Closed ? block.InnerEnd : -1, isFinal: true, context.Tools, context.Calls) == MatchResult.Match)
            {
                context.AddSpan(block.Open, block.End);
            }

            from = block.End;
        }

        return context.Calls.Count > 0;
    }

    /// <summary>
    /// Decides a fence opened at <paramref name="open"/>. While streaming (<paramref name="isFinal"/> false)
    /// an unclosed fence answers <see cref="MatchResult.NeedMore"/> unless its language or first char
    /// already rules it out.
    /// </summary>
    public static MatchResult Evaluate(ReadOnlySpan<char> text, int open, int close, bool isFinal, ToolCatalog tools, List<ExtractedToolCall>? sink)
    {
        int limit = close >= 0 ? close : text.Length;
        int langStart = open + Fence.Length;
        int i = langStart;
        while (i < limit && IsLanguageChar(text[i]))
        {
            i++;
        }

        var language = text[langStart..i];
        bool languageComplete = close >= 0 || isFinal || i < text.Length;
        if (!language.IsEmpty && !"json".AsSpan().StartsWith(language, StringComparison.OrdinalIgnoreCase))
        {
            return MatchResult.NoMatch;
        }

        if (languageComplete && !language.IsEmpty && language.Length != 4)
        {
            return MatchResult.NoMatch;
        }

        var inner = text[i..limit];
        if (close < 0 && !isFinal)
        {
            return languageComplete ? TaggedJsonFormat.CanStillBeJson(inner) : MatchResult.NeedMore;
        }

        return JsonCallReader.TryReadSequence(inner, tools, sink) ? MatchResult.Match : MatchResult.NoMatch;
    }

    private static bool IsLanguageChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+' or '.' or '#';
}
