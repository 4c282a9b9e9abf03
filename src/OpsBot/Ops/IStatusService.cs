namespace OpsBot.Ops;

/// <summary>Current state of vLLM, the proxy and the OpenClaw gateway.</summary>
public interface IStatusService
{
    Task<StackStatus> GetStatusAsync(CancellationToken cancellationToken);
}
