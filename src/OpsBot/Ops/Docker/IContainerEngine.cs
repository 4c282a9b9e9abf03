namespace OpsBot.Ops.Docker;

/// <summary>The vLLM container through the Docker Engine API. Failures come back as values, not exceptions.</summary>
public interface IContainerEngine
{
    bool IsConfigured { get; }

    Task<ContainerObservation> InspectAsync(CancellationToken cancellationToken);

    /// <summary>Restarts the container; returns null on success or a one-line reason.</summary>
    Task<string?> RestartAsync(CancellationToken cancellationToken);

    Task<LogTail> TailAsync(int lines, CancellationToken cancellationToken);
}
