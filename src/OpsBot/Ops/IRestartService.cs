namespace OpsBot.Ops;

/// <summary>Restarts a service and waits until it is healthy again, reporting progress lines.</summary>
public interface IRestartService
{
    /// <summary>Restarts the first (or only) configured target of <paramref name="service"/>.</summary>
    Task<RestartResult> RestartAsync(StackService service, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken) =>
        RestartAsync(service, null, requestedBy, progress, cancellationToken);

    /// <summary>Restarts <paramref name="target"/> of <paramref name="service"/> (a name from <c>OpsTargets</c>; null: the first).</summary>
    Task<RestartResult> RestartAsync(StackService service, string? target, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken);
}
