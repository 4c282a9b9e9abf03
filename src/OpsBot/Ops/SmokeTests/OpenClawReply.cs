namespace OpsBot.Ops.SmokeTests;

/// <summary>
/// What <c>openclaw agent --json</c> printed: the payload texts and the last call's token usage.
/// <see cref="FoundJson"/> is false when only plain text came back.
/// </summary>
public sealed record OpenClawReply(
    bool FoundJson,
    IReadOnlyList<string> Texts,
    IReadOnlyDictionary<string, double> LastCallUsage,
    string PlainText)
{
    public string Text => FoundJson ? string.Join("\n", Texts.Where(t => !string.IsNullOrWhiteSpace(t))) : PlainText;

    public double? TotalTokens => LastCallUsage.TryGetValue("total", out var total) ? total : null;
}
