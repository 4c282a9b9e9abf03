using System.Globalization;
using System.Text;
using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Cli;

/// <summary>Renders reports as plain terminal text (no markdown, no colour), one fact per line.</summary>
public sealed class PlainTextRenderer : IOpsRenderer<string>
{
    public string RenderStatus(StatusReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"OpsBot status at {AlertText.DateTime(report.TakenAt)}: {StateWord(report.Overall).ToUpperInvariant()}");
        if (report.Stack is { } stack)
        {
            foreach (var service in stack.Services)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {ServiceName(service.Service),-8} {StateWord(service.State),-9} {service.Summary}");
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
            text.AppendLine(CultureInfo.InvariantCulture, $"Proxy: {proxy.TotalRequests} requests since {AlertText.DateTime(proxy.StartedAt)} (up {AlertText.Duration(proxy.Uptime)}); "
                + $"last hour: {AlertText.Plural(proxy.RequestsLastHour, "request", "requests")}, {AlertText.Plural(proxy.ErrorsLastHour, "error", "errors")}, "
                + $"{AlertText.Plural(proxy.EmptyAnswersLastHour, "empty answer", "empty answers")}");
            if (proxy.LastFailureAt is { } lastFailure)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  last failure {AlertText.DateTime(lastFailure)}: {proxy.LastFailure}");
            }
        }

        if (report.Availability is { } availability)
        {
            text.AppendLine(Uptime(availability));
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
        if (tail.Error is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Cannot read the {ServiceName(tail.Service)} log: {tail.Error}");
            return text.ToString();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"Last {tail.Lines.Count} of {tail.RequestedLines} requested lines of the {ServiceName(tail.Service)} log:");
        foreach (var line in tail.Lines)
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

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
            text.AppendLine(CultureInfo.InvariantCulture, $"  {(result.Passed ? "PASS" : "FAIL")}  {SmokeTests.Describe(result.Kind)} ({result.Elapsed.TotalSeconds:0.0} s)");
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
            text.AppendLine("configuration OK");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"configuration has {AlertText.Plural(report.Problems.Count, "problem", "problems")}:");
            foreach (var problem in report.Problems)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {problem}");
            }
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  ({note})");
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
                $"  {AlertText.DateTime(s.At)}  {(s.Passed ? "PASS" : "FAIL")} {SmokeTests.Describe(s.Kind)} by {s.RequestedBy} ({s.Elapsed.TotalSeconds:0.0} s){(s.Failure is null ? "" : $": {s.Failure}")}");
        }

        if (all || report.Query.Kind == HistoryKind.Alerts)
        {
            Section(text, "Alerts", report.Alerts, a =>
                $"  {AlertText.DateTime(a.CreatedAt)}  {a.Kind.ToString().ToLowerInvariant(),-9} {Shorten(FirstLine(a.Text), 120)}{(a.MutedBy is null ? "" : $" [not posted: {a.MutedBy}]")}");
        }

        if ((all || report.Query.Kind == HistoryKind.Traffic) && report.Traffic is { } traffic)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Proxy traffic: {traffic.Requests} requests, {traffic.Failed} failed, {traffic.EmptyAnswers} empty answers, {traffic.LoopGuard} loop-guard aborts");
            if (traffic.Requests > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  tokens: {traffic.PromptTokens} prompt, {traffic.CompletionTokens} completion; latency avg {traffic.AverageLatency!.Value.TotalSeconds:0.0} s, max {traffic.MaxLatency!.Value.TotalSeconds:0.0} s; busiest minute {traffic.BusiestMinuteRequests} requests");
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

    private static string Uptime(AvailabilityReport availability)
    {
        var over = availability.Covered >= availability.RequestedWindow - TimeSpan.FromMinutes(1)
            ? AlertText.Duration(availability.RequestedWindow)
            : $"{AlertText.Duration(availability.Covered)} (history starts {AlertText.DateTime(availability.From)})";
        var services = string.Join(", ", availability.Services.Select(s => $"{ServiceName(s.Service)} {Percent(s.UptimePercent)}"));
        return $"Uptime: up {Percent(availability.UptimePercent)} over {over} ({services})";
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

    private static string Percent(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " %";

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
