using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// JSON calls standing in the prose: the whole content as one (possibly pretty-printed) object, an
/// object after an introductory sentence, a JSON array of calls, or one call per line. Candidates are a
/// <c>{</c>/<c>[</c> that starts a line (after indentation), or one directly followed by a <c>"name"</c> key
/// anywhere in a line. Each candidate is scanned with the real JSON scanner (strings, escapes, nesting),
/// never a regex; a complete JSON value that is not a call is skipped whole.
/// </summary>
internal static class EmbeddedJsonFormat
{
    private const string NameKey = "\"name\"";

    public static bool TryExtract(ExtractionContext context, out ToolCallFormat format)
    {
        format = ToolCallFormat.BareJson;
        var text = context.Text.AsSpan();
        bool sawArray = false;
        int i = 0;
        while (i < text.Length && !context.BudgetExhausted)
        {
            int k = text[i..].IndexOfAny('{', '[');
            if (k < 0)
            {
                break;
            }

            int at = i + k;
            if (IsCandidate(text, at, isFinal: true) != MatchResult.Match)
            {
                i = at + 1;
                continue;
            }

            var status = JsonScanner.Scan(text, at, out int end);
            context.Charge(end - at);
            if (status != ScanStatus.Complete)
            {
                i = at + 1;
                continue;
            }

            if (JsonCallReader.TryReadCalls(text[at..end], context.Tools, context.Calls))
            {
                context.AddSpan(at, end);
                sawArray |= text[at] == '[';
            }

            i = end;
        }

        if (context.Calls.Count == 0)
        {
            return false;
        }

        format = context.SpanCount > 1 ? ToolCallFormat.JsonLines
            : sawArray ? ToolCallFormat.JsonArray
            : ToolCallFormat.BareJson;
        return true;
    }

    /// <summary>
    /// Whether the <c>{</c> or <c>[</c> at <paramref name="at"/> may start a call: at a line start, or
    /// followed (through whitespace, and for <c>[</c> through a <c>{</c>) by the key <c>"name"</c>.
    /// </summary>
    public static MatchResult IsCandidate(ReadOnlySpan<char> text, int at, bool isFinal)
    {
        if (JsonText.IsAtLineStart(text, at))
        {
            return MatchResult.Match;
        }

        var more = isFinal ? MatchResult.NoMatch : MatchResult.NeedMore;
        int i = at + 1;
        if (text[at] == '[')
        {
            i = JsonText.SkipWhitespace(text, i);
            if (i >= text.Length)
            {
                return more;
            }

            if (text[i] != '{')
            {
                return MatchResult.NoMatch;
            }

            i++;
        }

        i = JsonText.SkipWhitespace(text, i);
        for (int n = 0; n < NameKey.Length; n++, i++)
        {
            if (i >= text.Length)
            {
                return more;
            }

            if (text[i] != NameKey[n])
            {
                return MatchResult.NoMatch;
            }
        }

        return MatchResult.Match;
    }
}
