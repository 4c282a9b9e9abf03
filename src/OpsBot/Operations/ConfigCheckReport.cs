namespace OpsBot.Operations;

/// <summary>check-config's verdict: problems (secrets already redacted) and informational notes.</summary>
public sealed record ConfigCheckReport(IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    public bool Ok => Problems.Count == 0;
}
