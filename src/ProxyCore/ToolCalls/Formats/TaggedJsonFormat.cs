using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.ToolCalls.Formats;

/// <summary>
/// JSON calls wrapped in a tag pair: Hermes <c>&lt;tool_call&gt;{json}&lt;/tool_call&gt;</c> (vLLM's hermes
/// parser) and the Qwen2.5 prompt-tag echo <c>&lt;tools&gt;{json per line}&lt;/tools&gt;</c>. A block may be
/// unclosed (runs to the end, like vLLM's regex) and may hold several calls or an array of them; a block
/// that is not entirely calls to declared tools stays in the content.
/// </summary>
internal static class TaggedJsonFormat
{
    public static bool TryExtract(ExtractionContext context, string open, string close)
    {
        var text = context.Text.AsSpan();
        int from = 0;
        while (TextBlocks.Next(text, from, open, close, out var block))
        {
            if (JsonCallReader.TryReadSequence(text[block.InnerStart..block.InnerEnd], context.Tools, context.Calls))
            {
                context.AddSpan(block.Open, block.End);
            }

            from = block.End;
        }

        return context.Calls.Count > 0;
    }

    /// <summary>
    /// Streaming pre-check for an unclosed block: JSON calls must start with <c>{</c> or <c>[</c>, so
    /// anything else as the first non-blank char means this block can never be a JSON block.
    /// </summary>
    public static MatchResult CanStillBeJson(ReadOnlySpan<char> innerSoFar)
    {
        int i = JsonText.SkipWhitespace(innerSoFar, 0);
        if (i >= innerSoFar.Length)
        {
            return MatchResult.NeedMore;
        }

        return innerSoFar[i] is '{' or '[' ? MatchResult.NeedMore : MatchResult.NoMatch;
    }
}
