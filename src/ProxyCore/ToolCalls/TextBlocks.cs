namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Pairs open/close markers the way vLLM's <c>&lt;tool_call&gt;(.*?)&lt;/tool_call&gt;|&lt;tool_call&gt;(.*?)$</c>
/// regexes do: a block runs to the first closer after its opener, or to the end of text when unclosed,
/// and the next block is searched after that closer. <see cref="PairTracker"/> is the incremental twin.
/// </summary>
internal static class TextBlocks
{
    /// <summary>Finds the next block opening at or after <paramref name="from"/>; <paramref name="closeAt"/> is -1 when unclosed.</summary>
    public static bool Next(ReadOnlySpan<char> text, int from, string open, string close, out int openAt, out int closeAt)
    {
        closeAt = -1;
        openAt = from >= text.Length ? -1 : text[from..].IndexOf(open, StringComparison.Ordinal);
        if (openAt < 0)
        {
            return false;
        }

        openAt += from;
        int searchFrom = openAt + open.Length;
        int k = text[searchFrom..].IndexOf(close, StringComparison.Ordinal);
        closeAt = k < 0 ? -1 : searchFrom + k;
        return true;
    }
}
