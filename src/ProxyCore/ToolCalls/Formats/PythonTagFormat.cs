using OpsBot.ProxyCore.ToolCalls.Json;

using static OpsBot.ProxyCore.ToolCalls.Formats.ToolCallMarkers;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// Llama 3.x: <c>&lt;|python_tag|&gt;{call}; {call}</c> (vLLM's llama3_json parser). The first call after
/// the tag decides; further <c>;</c>-separated calls are taken while they are valid, and whatever
/// follows stays as prose.
/// </summary>
internal static class PythonTagFormat
{
    public static bool TryExtract(ExtractionContext context)
    {
        var text = context.Text.AsSpan();
        int from = 0;
        while (from < text.Length)
        {
            int k = text[from..].IndexOf(PythonTag, StringComparison.Ordinal);
            if (k < 0)
            {
                break;
            }

            int at = from + k;
            if (FindFirstCall(text, at, isFinal: true, out int first) == MatchResult.Match && TryReadCallAt(context, text, first, out int end))
            {
                while (true)
                {
                    int separator = JsonText.SkipWhitespace(text, end);
                    if (separator >= text.Length || text[separator] != ';')
                    {
                        break;
                    }

                    int next = JsonText.SkipWhitespace(text, separator + 1);
                    if (next >= text.Length || text[next] is not ('{' or '[') || !TryReadCallAt(context, text, next, out int nextEnd))
                    {
                        break;
                    }

                    end = nextEnd;
                }

                context.AddSpan(at, end);
                from = end;
            }
            else
            {
                from = at + PythonTag.Length;
            }

            if (context.BudgetExhausted)
            {
                break;
            }
        }

        return context.Calls.Count > 0;
    }

    /// <summary>Where the first call's JSON starts after the tag at <paramref name="tag"/>, like <see cref="MistralFormat.ParseHeader"/>.</summary>
    /// <param name="start">The first call's <c>{</c> or <c>[</c>, when <see cref="MatchResult.Match"/>.</param>
    /// <returns><see cref="MatchResult.NeedMore"/> while only whitespace follows the tag and more text may come.</returns>
    public static MatchResult FindFirstCall(ReadOnlySpan<char> text, int tag, bool isFinal, out int start)
    {
        start = JsonText.SkipWhitespace(text, tag + PythonTag.Length);
        if (start >= text.Length)
        {
            return isFinal ? MatchResult.NoMatch : MatchResult.NeedMore;
        }

        return text[start] is '{' or '[' ? MatchResult.Match : MatchResult.NoMatch;
    }

    private static bool TryReadCallAt(ExtractionContext context, ReadOnlySpan<char> text, int start, out int end)
    {
        var status = JsonScanner.Scan(text, start, out end);
        return context.Charge(end - start)
            && status == ScanStatus.Complete
            && JsonCallReader.TryReadCalls(text[start..end], context.Tools, context.Calls);
    }
}
