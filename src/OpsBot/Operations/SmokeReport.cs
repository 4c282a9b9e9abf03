using OpsBot.Ops;

namespace OpsBot.Operations;

/// <summary>The results of one /smoke run, in the order they ran.</summary>
public sealed record SmokeReport(IReadOnlyList<SmokeTestResult> Results, TimeSpan Elapsed, string? Error = null)
{
    public bool Passed => Error is null && Results.Count > 0 && Results.All(r => r.Passed);
}
