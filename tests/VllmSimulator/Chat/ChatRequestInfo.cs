namespace OpsBot.VllmSimulator.Chat;

/// <summary>What the generation step needs from a request that passed validation.</summary>
internal sealed record ChatRequestInfo(
    string ResponseId,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    int PromptTokens,
    ToolChoice ToolChoice);
