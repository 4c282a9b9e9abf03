using System.Globalization;
using OpsBot.Ops.Docker;

namespace OpsBot.Ops.Probes;

/// <summary>Turns raw observations into a headline state and the detail lines /status shows.</summary>
public static class StackHealthRules
{
    public static ServiceStatus EvaluateVllm(VllmObservation o)
    {
        var details = new List<KeyValuePair<string, string>>
        {
            new("health", o.Health.Describe()),
            new("models", o.Models.Ok ? (o.ModelIds.Count == 0 ? "none listed" : string.Join(", ", o.ModelIds)) : o.Models.Describe()),
        };
        if (o.Gauges is { } g)
        {
            details.Add(new("requests", $"{Format(g.RequestsRunning)} running, {Format(g.RequestsWaiting)} waiting"));
            details.Add(new("kv cache", g.KvCacheUsage is { } kv ? kv.ToString("P1", CultureInfo.InvariantCulture) : "?"));
        }
        else
        {
            details.Add(new("metrics", o.Metrics.Describe()));
        }

        details.Add(new("container", DescribeContainer(o.Container)));

        var (state, summary) = (o.Health, o.Models, o.Container) switch
        {
            ({ Ok: true }, { Ok: true }, _) when o.ModelIds.Count > 0 => (HealthState.Healthy, $"serving {string.Join(", ", o.ModelIds)}"),
            ({ Ok: true }, { Ok: true }, _) => (HealthState.Degraded, "/health ok but /v1/models lists no model"),
            ({ Ok: true }, _, _) => (HealthState.Degraded, $"/health ok but /v1/models failed: {o.Models.Describe()}"),
            ({ StatusCode: { } code }, _, _) => (HealthState.Down, $"/health returned {code}" + (code == 503 ? " (engine dead)" : "")),
            (_, _, { Outcome: ContainerProbeOutcome.Found, Running: true }) =>
                (HealthState.Degraded, $"container running{Since(o.Container.StartedAt)} but the API does not answer (model still loading?)"),
            (_, _, { Outcome: ContainerProbeOutcome.Found }) =>
                (HealthState.Down, $"container {o.Container.Status ?? "stopped"}" + (o.Container.ExitCode is { } exit ? $" (exit code {exit})" : "")),
            (_, _, { Outcome: ContainerProbeOutcome.NotFound }) => (HealthState.Down, o.Container.Error ?? "container not found"),
            _ => (HealthState.Down, $"API unreachable: {o.Health.Describe()}"),
        };
        return new ServiceStatus(StackService.Vllm, state, summary, details)
        {
            Facts = new ServiceFacts(
                Since: o.Container.StartedAt,
                Restarts: o.Container.Outcome == ContainerProbeOutcome.Found ? o.Container.RestartCount : null,
                State: o.Container.Outcome == ContainerProbeOutcome.Found ? o.Container.Status : null,
                Models: o.ModelIds,
                RequestsRunning: o.Gauges?.RequestsRunning,
                RequestsWaiting: o.Gauges?.RequestsWaiting,
                KvCacheUsage: o.Gauges?.KvCacheUsage),
        };
    }

    public static ServiceStatus EvaluateGateway(GatewayObservation o)
    {
        if (!o.Configured)
        {
            return new ServiceStatus(StackService.Gateway, HealthState.Unknown, "not configured (set Ops:Gateway:Host)", []);
        }

        var facts = new ServiceFacts(
            Since: o.Unit?.ActiveEnterTimestamp,
            Restarts: o.Unit?.RestartCount,
            State: o.Unit is { } u0 ? $"{u0.ActiveState} ({u0.SubState})" : o.ActiveState,
            Port: o.Port,
            PortOpen: o.PortOpen);

        var port = o.PortOpen ? $"port {o.Port} open" : $"port {o.Port} closed" + (o.PortError is null ? "" : $" ({o.PortError})");
        var details = new List<KeyValuePair<string, string>> { new("unit", o.UnitName), new("port", port) };
        if (o.Unit is { } unit)
        {
            details.Add(new("state", $"{unit.ActiveState} ({unit.SubState})"));
            if (unit.ActiveEnterTimestampText is { } since)
            {
                details.Add(new("since", since));
            }

            details.Add(new("restarts", unit.RestartCount?.ToString(CultureInfo.InvariantCulture) ?? "?"));
            details.Add(new("main pid", unit.MainPid?.ToString(CultureInfo.InvariantCulture) ?? "?"));
        }

        if (o.LastDiscordLogin is { } login)
        {
            details.Add(new("discord login", login));
        }

        if (o.SshError is { } sshError)
        {
            details.Add(new("ssh", sshError));
            return o.PortOpen
                ? new ServiceStatus(StackService.Gateway, HealthState.Unknown, $"SSH failed: {sshError}; {port}", details) { Facts = facts }
                : new ServiceStatus(StackService.Gateway, HealthState.Down, $"{port} and SSH failed: {sshError}", details) { Facts = facts };
        }

        var active = o.ActiveState ?? o.Unit?.ActiveState ?? "unknown";
        var (state, summary) = active switch
        {
            "active" when o.PortOpen => (HealthState.Healthy, $"active ({o.Unit?.SubState ?? "running"}), {port}"),
            "active" => (HealthState.Degraded, $"active but {port}"),
            "activating" or "reloading" or "deactivating" => (HealthState.Degraded, $"{active}, {port}"),
            _ => (HealthState.Down, $"unit is {active}" + (o.Unit is { SubState.Length: > 0 } u ? $" ({u.SubState})" : "") + $", {port}"),
        };
        return new ServiceStatus(StackService.Gateway, state, summary, details) { Facts = facts };
    }

    /// <summary>Below this many requests an error ratio says little, so it does not degrade the proxy.</summary>
    public const int MinimumRequestsForErrorRatio = 4;

    public static ServiceStatus EvaluateProxy(ProxyObservation o)
    {
        var s = o.Statistics;
        var details = new List<KeyValuePair<string, string>>
        {
            new("listener", o.ListenerRunning ? o.Address?.ToString() ?? "running" : "stopped"),
            new("uptime", FormatDuration(s.Uptime)),
            new("requests", $"{s.TotalRequests} total, {s.RequestsLastHour} last hour"),
            new("errors last hour", s.ErrorsLastHour.ToString(CultureInfo.InvariantCulture)),
            new("empty answers last hour", s.EmptyAnswersLastHour.ToString(CultureInfo.InvariantCulture)),
        };
        if (s.LastFailure is { } failure)
        {
            details.Add(new("last failure", s.LastFailureAt is { } at ? $"{at:u} {failure}" : failure));
        }

        var facts = new ServiceFacts(Since: s.StartedAt, State: o.ListenerRunning ? "listening" : "stopped", Port: o.Address?.Port, PortOpen: o.ListenerRunning);
        if (!o.ListenerRunning)
        {
            return new ServiceStatus(StackService.Proxy, HealthState.Down, "proxy listener stopped", details) { Facts = facts };
        }

        if (s.RequestsLastHour >= MinimumRequestsForErrorRatio && s.ErrorsLastHour * 2 >= s.RequestsLastHour)
        {
            return new ServiceStatus(StackService.Proxy, HealthState.Degraded, $"{s.ErrorsLastHour} of {s.RequestsLastHour} requests failed in the last hour", details) { Facts = facts };
        }

        return new ServiceStatus(StackService.Proxy, HealthState.Healthy, $"listening, {s.RequestsLastHour} requests in the last hour", details) { Facts = facts };
    }

    public static ServiceStatus ProbeFailed(StackService service, string reason) =>
        new(service, HealthState.Unknown, reason, []);

    private static string DescribeContainer(ContainerObservation c) => c.Outcome switch
    {
        ContainerProbeOutcome.Found => $"{c.Status ?? "?"}{Since(c.StartedAt)}, restarts {c.RestartCount}" + (c.Health is { } h ? $", health {h}" : ""),
        _ => c.Error ?? c.Outcome.ToString(),
    };

    private static string Since(DateTimeOffset? at) => at is { } t ? $" since {t.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : "";

    private static string Format(double? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "?";

    private static string FormatDuration(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes}m" : $"{t.Minutes}m {t.Seconds}s";
}
