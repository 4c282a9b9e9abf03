using OpsBot.ProxyCore.Events;

namespace OpsBot.Ops.Probes;

/// <summary>The in-process proxy: its listener and its own counters, no network needed.</summary>
public sealed class ProxyProbe(IProxyListener listener, IProxyStatistics statistics) : IServiceProbe
{
    private readonly IProxyListener _listener = listener;
    private readonly IProxyStatistics _statistics = statistics;

    public StackService Service => StackService.Proxy;

    public Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken) =>
        Task.FromResult(StackHealthRules.EvaluateProxy(new ProxyObservation(_listener.IsRunning, _listener.LocalAddress, _statistics.GetSnapshot())));
}
