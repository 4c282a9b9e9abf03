using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;
using OpsBot.ProxyCore.Events;
using OpsBot.Status;

namespace OpsBot.Tests.Status;

/// <summary>Status snapshots as the real probes build them (through <see cref="StackHealthRules"/>), for the renderer tests and the docs example.</summary>
public static class StatusSamples
{
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    public static ServiceStatus Vllm(HealthState state = HealthState.Healthy) => StackHealthRules.EvaluateVllm(new VllmObservation(
        state == HealthState.Healthy ? new EndpointCheck(200, null, TimeSpan.FromMilliseconds(3)) : new EndpointCheck(null, "/health: connection refused or unreachable", TimeSpan.FromMilliseconds(1)),
        new EndpointCheck(200, null, TimeSpan.FromMilliseconds(4)),
        ["Qwen/Qwen3-Coder-Next-FP8"],
        new EndpointCheck(200, null, TimeSpan.FromMilliseconds(5)),
        new VllmMetrics(2, 1, 0.413, 1_234_567),
        new ContainerObservation(ContainerProbeOutcome.Found, state == HealthState.Healthy ? "running" : "exited", state == HealthState.Healthy, Now.AddDays(-2).AddHours(-3), 1,
            state == HealthState.Healthy ? null : 137)));

    public static ServiceStatus Proxy(int requests = 240, int errors = 0, int empty = 1) => StackHealthRules.EvaluateProxy(new ProxyObservation(
        true, new Uri("http://0.0.0.0:8003/"), Statistics(requests, errors, empty)));

    public static ServiceStatus Gateway() => StackHealthRules.EvaluateGateway(new GatewayObservation(
        true, "openclaw-gateway.service", "active",
        new SystemdUnitState("active", "running", Now.AddHours(-5).AddMinutes(-12), "Tue 2026-11-25 02:48:00 UTC", 2, 4242),
        "2026-11-25T02:48:30Z logged in to discord as agent#1234", null, 18789, true, null));

    /// <summary>A gateway whose unit failed: port closed, restarted by systemd until it gave up.</summary>
    public static ServiceStatus GatewayDown() => StackHealthRules.EvaluateGateway(new GatewayObservation(
        true, "openclaw-gateway.service", "failed",
        new SystemdUnitState("failed", "failed", Now.AddMinutes(-9), "Tue 2026-11-25 07:51:00 UTC", 5, null),
        null, null, 18789, false, "connection refused"));

    /// <summary>
    /// The services of a set-up with <paramref name="vllm"/> vLLM servers (gpu-a, gpu-b, …) and <paramref name="gateways"/>
    /// gateways (gw-a, gw-b, …), all healthy but those named in <paramref name="down"/>, as the monitor stamps them.
    /// </summary>
    public static IReadOnlyList<ServiceStatus> Targets(int vllm, int gateways, params string[] down) =>
    [
        .. Enumerable.Range(0, vllm).Select(i => $"gpu-{(char)('a' + i)}").Select(n => (down.Contains(n) ? Vllm(HealthState.Down) : Vllm()) with { Target = n }),
        Proxy(212, 1, 3),
        .. Enumerable.Range(0, gateways).Select(i => $"gw-{(char)('a' + i)}").Select(n => (down.Contains(n) ? GatewayDown() : Gateway()) with { Target = n }),
    ];

    public static ProxyStatisticsSnapshot Statistics(int requests = 240, int errors = 0, int empty = 1) =>
        new(Now.AddDays(-2), TimeSpan.FromDays(2), 9_876, requests, errors, empty, errors > 0 ? Now.AddMinutes(-7) : null, errors > 0 ? "upstream 500: model overloaded" : null);

    /// <param name="requests">The proxy's requests in the last hour (its service state, live counters and figures agree).</param>
    public static StatusReport Report(
        ServiceStatus? vllm = null, int requests = 240, int errors = 0, ServiceStatus? gateway = null, IReadOnlyList<ComponentStatus>? components = null,
        IReadOnlyList<ActiveSilence>? silences = null, DateTimeOffset? takenAt = null)
    {
        var services = new[] { vllm ?? Vllm(), Proxy(requests, errors), gateway ?? Gateway() };
        var live = Statistics(requests, errors);
        return new StatusReport(
            Now,
            new StackStatus(takenAt ?? Now, services),
            null,
            live,
            null,
            [],
            new HistoryHealth(HistoryState.Available, "/var/lib/opsbot/opsbot.db", null),
            silences ?? [],
            [],
            components ?? Components(),
            new ProxyTraffic(live.RequestsLastHour, live.ErrorsLastHour, live.EmptyAnswersLastHour,
                TimeSpan.FromSeconds(4.1), TimeSpan.FromSeconds(18), TimeSpan.FromMilliseconds(650), TimeSpan.FromSeconds(2.3)),
            GenerationTokensPerSecond: 38.4);
    }

    /// <summary>All running but one disabled by its configuration and two off (not configured).</summary>
    public static IReadOnlyList<ComponentStatus> Components() =>
    [
        .. ComponentNames.All.Select(name => name switch
        {
            ComponentNames.Ops => new ComponentStatus(name, ComponentState.Disabled, "Ops:Restart:Cooldown: '-5' must be positive."),
            ComponentNames.VllmContainer => new ComponentStatus(name, ComponentState.Off, "no Ops:Vllm:ContainerName configured"),
            ComponentNames.Charts => new ComponentStatus(name, ComponentState.Off, "not configured"),
            _ => new ComponentStatus(name, ComponentState.Running, null),
        }),
    ];
}
