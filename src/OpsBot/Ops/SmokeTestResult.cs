namespace OpsBot.Ops;

/// <summary>
/// One smoke test's verdict with the agent's reply as a user would read it. <see cref="Gateway"/> names the gateway target
/// an agent test ran on when several are configured (or one was named); null for the only gateway and for the proxy test.
/// </summary>
public sealed record SmokeTestResult(SmokeTestKind Kind, bool Passed, TimeSpan Elapsed, string Reply, string? Failure = null, string? Gateway = null);
