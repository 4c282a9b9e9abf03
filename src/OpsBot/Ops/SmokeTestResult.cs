namespace OpsBot.Ops;

/// <summary>One smoke test's verdict with the agent's reply as a user would read it.</summary>
public sealed record SmokeTestResult(SmokeTestKind Kind, bool Passed, TimeSpan Elapsed, string Reply, string? Failure = null);
