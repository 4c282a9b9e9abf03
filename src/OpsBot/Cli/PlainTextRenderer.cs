using System.Globalization;
using System.Text;
using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Cli;

/// <summary>
/// Renders reports as terminal text, one fact per line, no markdown. Colour only through <see cref="TextStyle"/>
/// (plain for Discord, pipes and <c>NO_COLOR</c>); fitting lines to the terminal is the console's job.
/// </summary>
public sealed class PlainTextRenderer : IOpsRenderer<string>
{
    private readonly TextStyle _style;

    public PlainTextRenderer(TextStyle? style = null) => _style = style ?? TextStyle.Plain;

    public string RenderStatus(StatusReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsBot status at {AlertText.DateTime(report.TakenAt)}: {State(report.Overall, StateWord(report.Overall).ToUpperInvariant())}");
        if (report.Stack is { } stack)
        {
            foreach (var service in stack.Services)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {ServiceName(service.Service),-8} {TextLayout.PadRight(State(service.State, StateWord(service.State)), 9)} {service.Summary}");
                foreach (var (label, value) in service.Details)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"  {"",-8} {"",-9} {label}: {value}");
                }
            }
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  stack status unavailable: {report.StackError}");
        }

        if (report.Components is { Count: > 0 } components)
        {
            RenderComponents(text, components);
        }

        if (report.Proxy is { } proxy)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Proxy: {AlertText.Plural(proxy.TotalRequests, "request", "requests")} since {AlertText.DateTime(proxy.StartedAt)} (up {AlertText.Duration(proxy.Uptime)}); "
                + $"last hour: {AlertText.Plural(proxy.RequestsLastHour, "request", "requests")}, {AlertText.Plural(proxy.ErrorsLastHour, "error", "errors")}, "
                + $"{AlertText.Plural(proxy.EmptyAnswersLastHour, "empty answer", "empty answers")}");
            if (proxy.LastFailureAt is { } lastFailure)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  last failure {AlertText.DateTime(lastFailure)}: {proxy.LastFailure}");
            }
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
            text.AppendLine(CultureInfo.InvariantCulture, $"Silenced: {AlertTargets.Name(silence.Target)} until {AlertText.Time(silence.Until)} by {silence.RequestedBy}");
        }

        foreach (var maintenance in report.Maintenance)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Maintenance: {ServiceName(maintenance.Service)} since {AlertText.Time(maintenance.Since)} ({maintenance.Reason})");
        }

        if (report.History is { IsAvailable: false } history && history.State != HistoryState.NotOpened)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"History: {history.State.ToString().ToLowerInvariant()} ({history.DatabasePath}: {history.Problem})");
        }

        return text.ToString();
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

    public string RenderLogs(LogTail tail)
    {
        var text = new StringBuilder();
        text.AppendLine(LogsHeader(tail));
        foreach (var line in tail.Lines)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    /// <summary>The line above the log lines, or why there are none.</summary>
    public string LogsHeader(LogTail tail) => tail.Error is not null
        ? $"Cannot read the {ServiceName(tail.Service)} log: {tail.Error}"
        : $"Last {tail.Lines.Count} of {AlertText.Plural(tail.RequestedLines, "requested line", "requested lines")} of the {ServiceName(tail.Service)} log:";

    public string RenderSmokeProgress(string step, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"[{elapsed.TotalSeconds,6:0.0}s] {step}{Environment.NewLine}");

    public string RenderSmoke(SmokeReport report)
    {
        var text = new StringBuilder();
        if (report.Error is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Smoke tests not run: {report.Error}");
            return text.ToString();
        }

        var passed = report.Results.Count(r => r.Passed);
        text.AppendLine(CultureInfo.InvariantCulture, $"Smoke tests: {passed} of {report.Results.Count} passed in {report.Elapsed.TotalSeconds:0.0} s");
        foreach (var result in report.Results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {(result.Passed ? _style.Good("PASS") : _style.Bad("FAIL"))}  {SmokeTestNames.Describe(result.Kind)} ({result.Elapsed.TotalSeconds:0.0} s)");
            if (result.Failure is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"        why: {result.Failure}");
            }

            if (result.Reply.Length > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"        reply: {Shorten(result.Reply.ReplaceLineEndings(" "), 300)}");
            }
        }

        return text.ToString();
    }

    public string RenderConfigCheck(ConfigCheckReport report)
    {
        var text = new StringBuilder();
        if (report.Ok)
        {
            text.AppendLine(_style.Good("configuration OK"));
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"configuration has {_style.Bad(AlertText.Plural(report.Problems.Count, "problem", "problems"))}:");
            foreach (var problem in report.Problems)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {problem}");
            }
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {note}");
        }

        return text.ToString();
    }

    public string RenderHistory(HistoryReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"History from {AlertText.DateTime(report.From)} to {AlertText.DateTime(report.To)} ({Kind(report.Query.Kind)}, up to {report.Query.Limit} per list)");
        if (!report.Health.IsAvailable)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  history is {report.Health.State.ToString().ToLowerInvariant()}: {report.Health.Problem ?? "not opened"} ({report.Health.DatabasePath})");
            return text.ToString();
        }

        var all = report.Query.Kind == HistoryKind.All;
        if (report.Availability is { } availability)
        {
            text.AppendLine(Uptime(availability));
        }

        if (all || report.Query.Kind == HistoryKind.Incidents)
        {
            Section(text, "Incidents", report.Incidents, i => Incident(i, report.To));
        }

        if (all || report.Query.Kind == HistoryKind.Restarts)
        {
            Section(text, "Restarts", report.Restarts, r =>
                $"  {AlertText.DateTime(r.StartedAt)}  {ServiceName(r.Service),-8} by {r.RequestedBy}: {(r.Succeeded ? "ok" : "FAILED")} in {AlertText.Duration(r.Elapsed)}"
                + (r.TimeToHealthy is { } healthy ? $", healthy after {AlertText.Duration(healthy)}" : "") + $" ({r.Message})");
        }

        if (all || report.Query.Kind == HistoryKind.SmokeTests)
        {
            Section(text, "Smoke tests", report.SmokeTests, s =>
                $"  {AlertText.DateTime(s.At)}  {(s.Passed ? "PASS" : "FAIL")} {SmokeTestNames.Describe(s.Kind)} by {s.RequestedBy} ({s.Elapsed.TotalSeconds:0.0} s){(s.Failure is null ? "" : $": {s.Failure}")}");
        }

        if (all || report.Query.Kind == HistoryKind.Alerts)
        {
            Section(text, "Alerts", report.Alerts, a =>
                $"  {AlertText.DateTime(a.CreatedAt)}  {a.Kind.ToString().ToLowerInvariant(),-9} {Shorten(FirstLine(a.Text), 120)}{(a.MutedBy is null ? "" : $" [not posted: {a.MutedBy}]")}");
        }

        if ((all || report.Query.Kind == HistoryKind.Traffic) && report.Traffic is { } traffic)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Proxy traffic: {AlertText.Plural(traffic.Requests, "request", "requests")}, {traffic.Failed} failed, "
                + $"{AlertText.Plural(traffic.EmptyAnswers, "empty answer", "empty answers")}, {AlertText.Plural(traffic.LoopGuard, "loop-guard abort", "loop-guard aborts")}");
            if (traffic.Requests > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  tokens: {traffic.PromptTokens} prompt, {traffic.CompletionTokens} completion; latency avg {traffic.AverageLatency!.Value.TotalSeconds:0.0} s, max {traffic.MaxLatency!.Value.TotalSeconds:0.0} s; busiest minute {AlertText.Plural(traffic.BusiestMinuteRequests, "request", "requests")}");
            }
        }

        return text.ToString();
    }

    private static void Section<T>(StringBuilder text, string title, IReadOnlyList<T> items, Func<T, string> line)
    {
        if (items.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{title}: none");
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{title}:");
        foreach (var item in items)
        {
            text.AppendLine(line(item));
        }
    }

    /// <summary>
    /// Uptime from history, squared with the state now: a service that is down right now is said to be down,
    /// never "100 %" (its outage may not be recorded yet, or history is not the service's), and the headline
    /// "up N %" is left out while anything is down.
    /// </summary>
    private string Uptime(AvailabilityReport availability, StackStatus? now = null)
    {
        var over = availability.Covered >= availability.RequestedWindow - TimeSpan.FromMinutes(1)
            ? AlertText.Duration(availability.RequestedWindow)
            : $"{AlertText.Duration(availability.Covered)} (history starts {AlertText.DateTime(availability.From)})";
        var downNow = now?.Services.Where(s => s.State == HealthState.Down).Select(s => s.Service).ToHashSet() ?? [];
        var services = string.Join(", ", availability.Services.Select(s => !downNow.Contains(s.Service)
            ? $"{ServiceName(s.Service)} {Percent(s.UptimePercent)}"
            : s.UptimePercent < 100.0
                ? $"{ServiceName(s.Service)} {Percent(s.UptimePercent)}, {_style.Bad("down now")}"
                : $"{ServiceName(s.Service)} {_style.Bad("down now")} (no outage recorded yet)"));
        return downNow.Count == 0
            ? $"Uptime: up {Percent(availability.UptimePercent)} over {over} ({services})"
            : $"Uptime over {over}: {services}";
    }

    private static string Incident(IncidentRecord incident, DateTimeOffset now)
    {
        var state = incident.ResolvedAt is { } resolved
            ? $"lasted {AlertText.Duration(resolved - incident.OpenedAt)}"
            : $"OPEN for {AlertText.Duration(now - incident.OpenedAt)}";
        var count = incident.Occurrences > 1 ? $", {incident.Occurrences} times" : "";
        var maintenance = incident.DuringMaintenance ? ", during maintenance" : "";
        return $"  {AlertText.DateTime(incident.OpenedAt)}  {incident.Severity.ToString().ToLowerInvariant(),-8} {incident.Title} ({state}{count}{maintenance})";
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

    private static string ServiceName(StackService service) => service switch
    {
        StackService.Vllm => "vLLM",
        StackService.Proxy => "proxy",
        _ => "gateway",
    };

    private static string Kind(HistoryKind kind) => kind switch
    {
        HistoryKind.All => "everything",
        HistoryKind.SmokeTests => "smoke tests",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).Replace("**", "", StringComparison.Ordinal);
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
