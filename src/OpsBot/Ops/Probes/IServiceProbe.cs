namespace OpsBot.Ops.Probes;

/// <summary>Observes one part of the stack. Implementations report failures in the status, never by throwing.</summary>
public interface IServiceProbe
{
    StackService Service { get; }

    Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken);
}
