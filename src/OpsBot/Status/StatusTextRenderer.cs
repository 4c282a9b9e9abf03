using System.Globalization;
using System.Text;
using OpsBot.Alerts;
using OpsBot.Cli;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Status;

/// <summary>
/// <c>opsbot status</c>: the status snapshot as terminal text, no markdown. A line per service (name, state, the headline
/// figure or why it is not healthy) with its figures indented under it (<see cref="StatusFigures"/>, the same as /status),
/// then components, uptime over 24 h and recent incidents. A service with several targets gets a summary line
/// ("gateways degraded 1/2 up · gw-b down") and a line per target under it, its figures indented the same way.
/// Colour only through <see cref="TextStyle"/>.
/// </summary>
public sealed class StatusTextRenderer
{
    private const string Indent = "                     ";

    private readonly TextStyle _style;

    public StatusTextRenderer(TextStyle? style = null) => _style = style ?? TextStyle.Plain;

    public string Render(StatusReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsBot status at {AlertText.DateTime(report.TakenAt)}: {State(report.Overall, StateWord(report.Overall).ToUpperInvariant())}");
        string Ago(DateTimeOffset at) => $"{AlertText.Duration(report.TakenAt - at)} ago";
        if (report.Stack is { } stack)
        {
            foreach (var group in ServiceGroup.Of(stack))
            {
                if (group.IsSingle)
                {
                    RenderService(text, $"  {StackServiceNames.Of(group.Service),-8}", group.Targets[0], report, Ago);
                    continue;
                }

                text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Name,-8} {TextLayout.PadRight(State(group.State, StateWord(group.State)), 9)} {group.Summary}");
                foreach (var (target, index) in group.Targets.Select((t, i) => (t, i)))
                {
                    // vLLM throughput comes from the metrics history, which only the first vLLM feeds.
                    RenderService(text, $"    {ServiceGroup.NameOf(target),-6}", target, index == 0 ? report : report with { GenerationTokensPerSecond = null }, Ago);
                }
            }
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  stack status unavailable: {report.StackError}");
        }

        // Several vLLM backends behind the proxy: one line each (issue 16).
        if (BackendLines.Of(report.VllmBackends) is { Count: > 0 } backends)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{BackendLines.Title}:");
            foreach (var line in backends)
            {
                text.Append("  ").AppendLine(line);
            }
        }

        if (report.Components is { Count: > 0 } components)
        {
            RenderComponents(text, components);
        }

        if (report.Proxy is { } proxy)
        {
            // The last hour is under the proxy's line above; this is its whole run.
            text.AppendLine(CultureInfo.InvariantCulture, $"Proxy: {AlertText.Plural(proxy.TotalRequests, "request", "requests")} since {AlertText.DateTime(proxy.StartedAt)} (up {AlertText.Duration(proxy.Uptime)})");
        }

        if (report.Availability is { } availability)
        {
            text.AppendLine(Uptime(availability, report.Stack));
        }

        if (report.RecentIncidents.Count > 0)
        {
            text.AppendLine("Last incidents:");
            foreach (var incident in report.RecentIncidents)
            {
                text.AppendLine(Incident(incident, report.TakenAt));
            }
        }
        else if (report.History is { IsAvailable: true })
        {
            text.AppendLine("Last incidents: none recorded");
        }

        foreach (var silence in report.Silences)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Silenced: {AlertTargets.Describe(silence.Target)} until {AlertText.Time(silence.Until)} by {silence.RequestedBy}");
        }

        foreach (var maintenance in report.Maintenance)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Maintenance: {StackServiceNames.Of(maintenance.Service)} since {AlertText.Time(maintenance.Since)} ({maintenance.Reason})");
        }

        if (report.History is { IsAvailable: false } history && history.State != HistoryState.NotOpened)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"History: {history.State.ToString().ToLowerInvariant()} ({history.DatabasePath}: {history.Problem})");
        }

        return text.ToString();
    }

    /// <summary>"  gateway  healthy   started 3 h ago" (or a target's "    gw-b   down      unit is failed…"), its figures indented under it.</summary>
    private void RenderService(StringBuilder text, string label, ServiceStatus service, StatusReport report, Func<DateTimeOffset, string> ago)
    {
        var healthy = service.State == HealthState.Healthy;
        var headline = healthy ? StatusFigures.Headline(service, report, ago) : service.Summary;
        text.AppendLine(CultureInfo.InvariantCulture, $"{label} {TextLayout.PadRight(State(service.State, StateWord(service.State)), 9)} {headline}");
        var lines = StatusFigures.Lines(service, report, ago);
        foreach (var line in lines.Skip(healthy ? 0 : 1))
        {
            text.Append(Indent).AppendLine(line);
        }

        // Without typed figures (a probe that failed, the proxy as seen from outside) the probe's own details are all there is.
        if (service.Facts == ServiceFacts.None)
        {
            foreach (var (detail, value) in service.Details)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{Indent}{detail}: {value}");
            }
        }
    }

    /// <summary>
    /// Uptime from history, squared with the state now: a service that is down right now is said to be down,
    /// never "100 %" (its outage may not be recorded yet, or history is not the service's), and the headline
    /// "up N %" is left out while anything is down.
    /// </summary>
    public string Uptime(AvailabilityReport availability, StackStatus? now = null)
    {
        var over = availability.Covered >= availability.RequestedWindow - TimeSpan.FromMinutes(1)
            ? AlertText.Duration(availability.RequestedWindow)
            : $"{AlertText.Duration(availability.Covered)} (history starts {AlertText.DateTime(availability.From)})";
        var downNow = now?.Services.Where(s => s.State == HealthState.Down).Select(s => s.Service).ToHashSet() ?? [];
        var services = string.Join(", ", availability.Services.Select(s => !downNow.Contains(s.Service)
            ? $"{StackServiceNames.Of(s.Service)} {Percent(s.UptimePercent)}"
            : s.UptimePercent < 100.0
                ? $"{StackServiceNames.Of(s.Service)} {Percent(s.UptimePercent)}, {_style.Bad("down now")}"
                : $"{StackServiceNames.Of(s.Service)} {_style.Bad("down now")} (no outage recorded yet)"));
        return downNow.Count == 0
            ? $"Uptime: up {Percent(availability.UptimePercent)} over {over} ({services})"
            : $"Uptime over {over}: {services}";
    }

    public static string Incident(IncidentRecord incident, DateTimeOffset now)
    {
        var state = incident.ResolvedAt is { } resolved
            ? $"lasted {AlertText.Duration(resolved - incident.OpenedAt)}"
            : $"OPEN for {AlertText.Duration(now - incident.OpenedAt)}";
        var count = incident.Occurrences > 1 ? $", {incident.Occurrences} times" : "";
        var maintenance = incident.DuringMaintenance ? ", during maintenance" : "";
        return $"  {AlertText.DateTime(incident.OpenedAt)}  {incident.Severity.ToString().ToLowerInvariant(),-8} {incident.Title} ({state}{count}{maintenance})";
    }

    /// <summary>One line for the running components, then one per component that is not (state and why).</summary>
    private static void RenderComponents(StringBuilder text, IReadOnlyList<ComponentStatus> components)
    {
        var running = components.Where(c => c.State == ComponentState.Running).Select(c => c.Name).ToList();
        text.AppendLine(running.Count == components.Count
            ? "Components: all running"
            : $"Components: {(running.Count == 0 ? "none running" : string.Join(", ", running) + " running")}");
        foreach (var component in components.Where(c => c.State != ComponentState.Running))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {component.Name,-14} {component.StateName,-9} {component.Reason}");
        }
    }

    /// <summary>One decimal, but never "100.0 %" for anything short of 100 (a 10-second outage in a day is 99.99 %).</summary>
    private static string Percent(double value) =>
        (value < 100.0 ? Math.Min(value, 99.9) : value).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private string State(HealthState state, string word) => state switch
    {
        HealthState.Healthy => _style.Good(word),
        HealthState.Degraded or HealthState.Unknown => _style.Warning(word),
        _ => _style.Bad(word),
    };

    private static string StateWord(HealthState state) => state.ToString().ToLowerInvariant();
}
