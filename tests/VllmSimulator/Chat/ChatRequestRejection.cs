namespace OpsBot.VllmSimulator.Chat;

/// <summary>An error response vLLM would send before generating anything.</summary>
internal sealed record ChatRequestRejection(int Status, string Body);
