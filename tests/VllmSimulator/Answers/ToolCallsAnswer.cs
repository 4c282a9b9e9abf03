namespace OpsBot.VllmSimulator;

/// <summary>Native tool calls (finish_reason <c>tool_calls</c>) with optional preamble content.</summary>
public sealed record ToolCallsAnswer(string? Preamble, IReadOnlyList<SimulatedToolCall> Calls) : SimulatedAnswer
{
    /// <summary>Overrides the estimated completion token count in usage.</summary>
    public int? CompletionTokens { get; init; }

    /// <summary>The event loss of multi-token engine steps to reproduce when streamed; <see cref="VllmSimulator.MultiTokenDeltas.None"/> by default.</summary>
    public MultiTokenDeltas MultiTokenDeltas { get; init; }
}
