namespace OpsBot.Ops.SmokeTests;

/// <summary>What a streamed chat completion carried, as far as the smoke test cares.</summary>
public sealed record SseChatSummary(
    bool SawDone,
    int Chunks,
    string Content,
    IReadOnlyList<string> ToolCalls,
    string? FinishReason,
    string? Error)
{
    public string Describe()
    {
        var parts = new List<string>();
        if (Content.Trim().Length > 0)
        {
            parts.Add(Content.Trim());
        }

        parts.AddRange(ToolCalls.Select(c => $"tool call {c}"));
        return parts.Count == 0 ? "(no content)" : string.Join("\n", parts);
    }
}
