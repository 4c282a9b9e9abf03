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
            int first = FirstCallStart(text, at, isFinal: true);
            if (first >= 0 && TryReadCallAt(context, text, first, out int end))
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

    /// <summary>Start of the first call's JSON after the tag; -1 when it cannot be one, -2 when more text is needed.</summary>
    public static int FirstCallStart(ReadOnlySpan<char> text, int tag, bool isFinal)
    {
        int i = JsonText.SkipWhitespace(text, tag + PythonTag.Length);
        if (i >= text.Length)
        {
            return isFinal ? -1 : -2;
        }

        return text[i] is '{' or '[' ? i : -1;
    }

    private static bool TryReadCallAt(ExtractionContext context, ReadOnlySpan<char> text, int start, out int end)
    {
        var status = JsonScanner.Scan(text, start, out end);
        return context.Charge(end - start)
            && status == ScanStatus.Complete
            && JsonCallReader.TryReadCalls(text[start..end], context.Tools, context.Calls);
    }
}
