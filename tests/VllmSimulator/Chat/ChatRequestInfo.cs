namespace OpsBot.VllmSimulator.Chat;

/// <summary>What the generation step needs from a request that passed validation.</summary>
internal sealed record ChatRequestInfo(
    string ResponseId,
    bool Stream,
    bool IncludeUsage,
    int? MaxTokens,
    int PromptTokens,
    ToolChoice ToolChoice)
{
    /// <summary>
    /// With <c>continue_final_message</c>: the text of the final (assistant) message the model carries on writing.
    /// </summary>
    public string? ContinuedText { get; init; }
}
