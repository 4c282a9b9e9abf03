namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>
/// Pairs open/close markers the way vLLM's <c>&lt;tool_call&gt;(.*?)&lt;/tool_call&gt;|&lt;tool_call&gt;(.*?)$</c>
/// regexes do: a block runs to the first closer after its opener, or to the end of text when unclosed,
/// and the next block is searched after that closer. <see cref="PairTracker"/> is the incremental twin.
/// </summary>
internal static class TextBlocks
{
    /// <summary>
    /// Finds the next block opening at or after <paramref name="from"/>. Searching again from the block's
    /// <see cref="TextBlock.End"/> finds the one after it; an unclosed block ends the text, so the search stops there.
    /// </summary>
    public static bool Next(ReadOnlySpan<char> text, int from, string open, string close, out TextBlock block)
    {
        block = default;
        int k = from >= text.Length ? -1 : text[from..].IndexOf(open, StringComparison.Ordinal);
        if (k < 0)
        {
            return false;
        }

        int openAt = from + k;
        int innerStart = openAt + open.Length;
        int c = text[innerStart..].IndexOf(close, StringComparison.Ordinal);
        block = c < 0
            ? new TextBlock(openAt, innerStart, text.Length, text.Length)
            : new TextBlock(openAt, innerStart, innerStart + c, innerStart + c + close.Length);
        return true;
    }
}
