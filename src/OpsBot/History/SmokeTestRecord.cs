using OpsBot.Ops;

namespace OpsBot.History;

/// <summary>One smoke test run as recorded.</summary>
public sealed record SmokeTestRecord(SmokeTestKind Kind, string RequestedBy, DateTimeOffset At, bool Passed, TimeSpan Elapsed, string Reply, string? Failure, string? Gateway = null)
{
    public static SmokeTestRecord From(SmokeTestResult result, string requestedBy, DateTimeOffset finishedAt) =>
        new(result.Kind, requestedBy, finishedAt, result.Passed, result.Elapsed, result.Reply, result.Failure, result.Gateway);
}
