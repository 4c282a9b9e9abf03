namespace OpsBot.Ops.Restarts;

/// <summary>
/// One service's stages of a restart, which <see cref="RestartService"/> runs in order: <see cref="RestartAsync"/>
/// restarts it, then <see cref="CheckReadyAsync"/> is polled every <see cref="ReadyPollInterval"/> until it says ready or
/// <see cref="ReadyTimeout"/> has passed.
/// </summary>
public interface IServiceRestarter
{
    StackService Service { get; }

    /// <summary>Which of the service's configured targets this restarts (<c>Ops:Gateways:N:Name</c>); null for a service with one instance.</summary>
    string? Target => null;

    /// <summary>How the service is named in progress and result messages (<c>gateway</c>, <c>vLLM</c>, <c>proxy</c>).</summary>
    string Name { get; }

    TimeSpan ReadyTimeout { get; }

    TimeSpan ReadyPollInterval { get; }

    /// <summary>Restarts the service, reporting what it does.</summary>
    /// <returns>Null once restarted; otherwise why not (not configured, the command failed), which ends the restart.</returns>
    Task<string?> RestartAsync(IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>One readiness check; <c>Detail</c> says what was seen (reported when it changes).</summary>
    Task<(bool Ready, string Detail)> CheckReadyAsync(CancellationToken cancellationToken);
}
