namespace OpsBot.VllmSimulator.Chat;

/// <summary>How a chat request ended, for metrics and the recording.</summary>
internal readonly record struct ChatOutcome(int Status, string FinishReason, int CompletionTokens);
