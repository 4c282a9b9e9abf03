using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy.Backends;

namespace OpsBot.Status;

/// <summary>
/// The one status snapshot: everything /status and <c>opsbot status</c> show, built by <c>Operations.StatusReader</c>
/// and drawn by <see cref="StatusEmbedRenderer"/> (Discord) or <see cref="StatusTextRenderer"/> (terminal). It crosses the
/// admin socket as JSON, so the CLI shows what the running service sees. Parts that could not be had are null (with
/// <see cref="StackError"/> saying why for the stack).
/// </summary>
/// <param name="Proxy">The proxy's own counters; only inside the running service (the CLI's process has none).</param>
/// <param name="Components">OpsBot's own parts (Discord, history, alerts…) as the running service reports them.</param>
/// <param name="LastHour">Proxy traffic over the last hour: requests, errors, empty answers, latency and time to first token.</param>
/// <param name="GenerationTokensPerSecond">vLLM's generation throughput over its latest sampled minute in the last hour.</param>
/// <param name="VllmBackends">Each vLLM backend behind the proxy, only with several (<c>--vllm-url a,b,c</c>); see <see cref="BackendLines"/>.</param>
public sealed record StatusReport(
    DateTimeOffset TakenAt,
    StackStatus? Stack,
    string? StackError,
    ProxyStatisticsSnapshot? Proxy,
    AvailabilityReport? Availability,
    IReadOnlyList<IncidentRecord> RecentIncidents,
    HistoryHealth? History,
    IReadOnlyList<ActiveSilence> Silences,
    IReadOnlyList<MaintenancePeriod> Maintenance,
    IReadOnlyList<ComponentStatus>? Components = null,
    ProxyTraffic? LastHour = null,
    double? GenerationTokensPerSecond = null,
    IReadOnlyList<BackendSnapshot>? VllmBackends = null)
{
    public HealthState Overall => Stack?.Worst ?? HealthState.Unknown;

    public ServiceStatus? Service(StackService service) => Stack?.Services.FirstOrDefault(s => s.Service == service);
}
