namespace OpsBot.VllmSimulator.Chat;

/// <summary>Turns a text answer into the engine steps vLLM v0.15 would produce (tool calls: <see cref="ToolCallPlanner"/>).</summary>
internal static class TurnPlanner
{
    public static TurnPlan ForText(TextAnswer answer, int? maxTokens)
    {
        var deltas = new List<PlannedDelta>();
        TokenSplitter.Split(answer.Content.AsMemory(), deltas);
        var content = answer.Content;
        var finishReason = answer.FinishReason;

        // Generation stops at max_tokens like the engine does, unless the test pinned the token count itself.
        if (answer.CompletionTokens is null && maxTokens is { } limit && limit >= 0 && deltas.Count > limit)
        {
            deltas.RemoveRange(limit, deltas.Count - limit);
            content = limit == 0 ? string.Empty : answer.Content[..LengthOf(deltas)];
            finishReason = "length";
        }

        return new TurnPlan
        {
            Deltas = deltas,
            Content = content,
            ToolCalls = [],
            FinishReason = finishReason,
            CompletionTokens = answer.CompletionTokens ?? deltas.Count,
        };
    }

    private static int LengthOf(List<PlannedDelta> deltas)
    {
        // The splitter's deltas tile the text from offset 0, so the kept prefix is the sum of their lengths.
        var length = 0;
        foreach (var delta in deltas)
        {
            length += delta.Text.Length;
        }

        return length;
    }
}
