namespace OpsBot.ProxyCore.ToolCalls;

/// <summary>A block found by <see cref="TextBlocks.Next"/>: its opener, inner text, and end (after the closer, or the end of text).</summary>
internal readonly record struct TextBlock(int Open, int InnerStart, int InnerEnd, int End)
{
    /// <summary>Whether a closer ends the block; an unclosed block's inner text runs to the end of the text.</summary>
    public bool Closed => InnerEnd < End;
}
