using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;

namespace OpsBot.Ops.Restarts;

/// <summary>Restarts vLLM's container; ready once <c>/health</c> and <c>/v1/models</c> answer (the model has loaded).</summary>
public sealed class VllmRestarter(IContainerEngine containers, VllmProbe probe, IOptions<VllmOpsOptions> options) : IServiceRestarter
{
    private readonly VllmOpsOptions _vllm = options.Value;

    public StackService Service => StackService.Vllm;

    public string? Target => _vllm.Name;

    public string Name => "vLLM";

    public TimeSpan ReadyTimeout => _vllm.RestartReadyTimeout;

    public TimeSpan ReadyPollInterval => _vllm.ReadyPollInterval;

    public async Task<string?> RestartAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!containers.IsConfigured)
        {
            return ContainerObservation.NotConfigured.Error!;
        }

        progress?.Report($"restarting container {_vllm.ContainerName}");
        if (await containers.RestartAsync(cancellationToken) is { } error)
        {
            return $"container restart failed: {error}";
        }

        progress?.Report("container restarted; waiting for /health and /v1/models (model load takes a minute or two)");
        return null;
    }

    public async Task<(bool Ready, string Detail)> CheckReadyAsync(CancellationToken cancellationToken) =>
        await probe.IsReadyAsync(cancellationToken) ? (true, "ready") : (false, "loading");
}
