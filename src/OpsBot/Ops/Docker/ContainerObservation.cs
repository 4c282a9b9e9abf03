namespace OpsBot.Ops.Docker;

/// <summary>The vLLM container as the Docker Engine reports it; <see cref="Error"/> explains anything but Found.</summary>
public sealed record ContainerObservation(
    ContainerProbeOutcome Outcome,
    string? Status = null,
    bool Running = false,
    DateTimeOffset? StartedAt = null,
    long RestartCount = 0,
    long? ExitCode = null,
    string? Health = null,
    string? Error = null)
{
    public static ContainerObservation NotConfigured { get; } =
        new(ContainerProbeOutcome.NotConfigured, Error: "not configured (set Ops:Vllm:ContainerName)");
}
