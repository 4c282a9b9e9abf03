namespace OpsBot.Ops;

/// <summary>Restarts a service and waits until it is healthy again, reporting progress lines.</summary>
public interface IRestartService
{
    Task<RestartResult> RestartAsync(StackService service, string requestedBy, IProgress<string>? progress, CancellationToken cancellationToken);
}
