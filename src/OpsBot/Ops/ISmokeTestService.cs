namespace OpsBot.Ops;

/// <summary>Runs smoke tests against the live stack.</summary>
public interface ISmokeTestService
{
    /// <summary>Runs <paramref name="kind"/> on the first (or only) configured gateway.</summary>
    Task<SmokeTestResult> RunAsync(SmokeTestKind kind, IProgress<string>? progress, CancellationToken cancellationToken) =>
        RunAsync(kind, null, progress, cancellationToken);

    /// <summary>Runs <paramref name="kind"/>; an agent test on <paramref name="gateway"/> (a name from <c>OpsTargets</c>; null: the first).</summary>
    Task<SmokeTestResult> RunAsync(SmokeTestKind kind, string? gateway, IProgress<string>? progress, CancellationToken cancellationToken);
}
