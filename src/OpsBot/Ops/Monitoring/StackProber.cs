using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Probes;

namespace OpsBot.Ops.Monitoring;

/// <summary>
/// Runs every service probe in parallel (one per target: each configured gateway and vLLM), each bounded by the probe
/// timeout. The snapshot lists services in <see cref="StackService"/> order, a service's targets in configuration order,
/// each status stamped with its probe's <see cref="IServiceProbe.Target"/>.
/// </summary>
public sealed partial class StackProber
{
    private readonly IReadOnlyList<IServiceProbe> _probes;
    private readonly MonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StackProber> _logger;

    public StackProber(IEnumerable<IServiceProbe> probes, IOptions<MonitorOptions> options, TimeProvider time, ILogger<StackProber> logger)
    {
        // OrderBy is stable: a service's targets keep the order they were registered in, the configuration's.
        _probes = probes.OrderBy(p => p.Service).ToArray();
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async Task<StackStatus> ProbeAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(_probes.Select(p => ProbeOneAsync(p, cancellationToken)));
        return new StackStatus(_time.GetUtcNow(), results);
    }

    private async Task<ServiceStatus> ProbeOneAsync(IServiceProbe probe, CancellationToken cancellationToken) =>
        await ProbeOrExplainAsync(probe, cancellationToken) with { Target = probe.Target };

    private async Task<ServiceStatus> ProbeOrExplainAsync(IServiceProbe probe, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            return await probe.ProbeAsync(budget.Token).WaitAsync(_options.ProbeTimeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            await budget.CancelAsync();
            return StackHealthRules.ProbeFailed(probe.Service, $"probe timed out after {_options.ProbeTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogProbeFailed(ex, StackServiceNames.Plain(probe.Service, probe.Target));
            return StackHealthRules.ProbeFailed(probe.Service, $"probe failed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.StackProberProbeFailed, Level = LogLevel.Warning, Message = "Probe of {Service} threw")]
    private partial void LogProbeFailed(Exception exception, string service);
}
