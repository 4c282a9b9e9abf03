namespace OpsBot.VllmSimulator.Chat;

/// <summary>A generated turn in both renderings: the delta sequence (stream) and the final message (non-stream).</summary>
internal sealed class TurnPlan
{
    public required List<PlannedDelta> Deltas { get; init; }

    /// <summary>Final <c>message.content</c>; null when tool calls were found without preamble.</summary>
    public required string? Content { get; init; }

    public required IReadOnlyList<PlannedToolCall> ToolCalls { get; init; }

    public required string FinishReason { get; init; }

    public required int CompletionTokens { get; init; }
}
