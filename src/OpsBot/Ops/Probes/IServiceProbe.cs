namespace OpsBot.Ops.Probes;

/// <summary>Observes one part of the stack. Implementations report failures in the status, never by throwing.</summary>
public interface IServiceProbe
{
    StackService Service { get; }

    /// <summary>
    /// The target probed when <see cref="Service"/> has named targets (<c>Ops:Gateways</c>, <c>Ops:Vllm</c> lists); null for
    /// the one target the flat keys describe, whose status and alerts read as they always have.
    /// </summary>
    string? Target => null;

    Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken);
}
