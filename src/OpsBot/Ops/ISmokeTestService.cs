namespace OpsBot.Ops;

/// <summary>Runs smoke tests against the live stack.</summary>
public interface ISmokeTestService
{
    Task<SmokeTestResult> RunAsync(SmokeTestKind kind, IProgress<string>? progress, CancellationToken cancellationToken);
}
