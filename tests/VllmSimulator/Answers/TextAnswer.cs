namespace OpsBot.VllmSimulator;

/// <summary>Assistant text, possibly containing tool-call text the parser missed (streamed as plain content).</summary>
public sealed record TextAnswer(string Content, string FinishReason, int? CompletionTokens) : SimulatedAnswer;
