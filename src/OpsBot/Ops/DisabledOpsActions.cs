namespace OpsBot.Ops;

/// <summary>Stands in for restarts and smoke tests while the <c>ops</c> component is disabled by its configuration: says why, does nothing.</summary>
public sealed class DisabledOpsActions(string reason) : IRestartService, ISmokeTestService
{
    public string Message { get; } = $"restarts and smoke tests are disabled: {reason} (run `opsbot check-config`)";

    public Task<RestartResult> RestartAsync(StackService service, string? target, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Task.FromResult(new RestartResult(service, false, Message, TimeSpan.Zero, null));

    public Task<SmokeTestResult> RunAsync(SmokeTestKind kind, string? gateway, IProgress<string>? progress, CancellationToken cancellationToken) =>
        Task.FromResult(new SmokeTestResult(kind, false, TimeSpan.Zero, "", Message, gateway));
}
