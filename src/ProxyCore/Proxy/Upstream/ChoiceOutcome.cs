using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Proxy.Upstream;

/// <summary>One choice after tool-call recovery: what the client will be told.</summary>
internal sealed record ChoiceOutcome(
    int Index,
    string? Content,
    IReadOnlyList<ExtractedToolCall> ToolCalls,
    string? FinishReason,
    ToolCallFormat? Format)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Content) && ToolCalls.Count == 0;
}
