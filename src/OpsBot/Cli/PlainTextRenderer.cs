using System.Globalization;
using System.Text;
using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Cli;

/// <summary>
/// Renders reports as terminal text, one fact per line, no markdown. Colour only through <see cref="TextStyle"/>
/// (plain for Discord, pipes and <c>NO_COLOR</c>); fitting lines to the terminal is the console's job.
/// </summary>
public sealed class PlainTextRenderer : IOpsRenderer<string>
{
    private readonly TextStyle _style;
    private readonly StatusTextRenderer _status;

    public PlainTextRenderer(TextStyle? style = null)
    {
        _style = style ?? TextStyle.Plain;
        _status = new StatusTextRenderer(_style);
    }

    public string RenderStatus(StatusReport report) => _status.Render(report);

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
        ? $"Cannot read the {StackServiceNames.Of(tail.Service)} log: {tail.Error}"
        : $"Last {tail.Lines.Count} of {AlertText.Plural(tail.RequestedLines, "requested line", "requested lines")} of the {StackServiceNames.Of(tail.Service)} log:";

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
            text.AppendLine(CultureInfo.InvariantCulture, $"  {(result.Passed ? _style.Good("PASS") : _style.Bad("FAIL"))}  {SmokeTestNames.Describe(result.Kind)}{SmokeTestNames.On(result)} ({result.Elapsed.TotalSeconds:0.0} s)");
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
            text.AppendLine(_status.Uptime(availability));
        }

        if (all || report.Query.Kind == HistoryKind.Incidents)
        {
            Section(text, "Incidents", report.Incidents, i => StatusTextRenderer.Incident(i, report.To));
        }

        if (all || report.Query.Kind == HistoryKind.Restarts)
        {
            Section(text, "Restarts", report.Restarts, r =>
                $"  {AlertText.DateTime(r.StartedAt)}  {StackServiceNames.Of(r.Service),-8} by {r.RequestedBy}: {(r.Succeeded ? "ok" : "FAILED")} in {AlertText.Duration(r.Elapsed)}"
                + (r.TimeToHealthy is { } healthy ? $", healthy after {AlertText.Duration(healthy)}" : "") + $" ({r.Message})");
        }

        if (all || report.Query.Kind == HistoryKind.SmokeTests)
        {
            Section(text, "Smoke tests", report.SmokeTests, s =>
                $"  {AlertText.DateTime(s.At)}  {(s.Passed ? "PASS" : "FAIL")} {SmokeTestNames.Describe(s.Kind)}{(s.Gateway is null ? "" : $" on {s.Gateway}")} by {s.RequestedBy} ({s.Elapsed.TotalSeconds:0.0} s){(s.Failure is null ? "" : $": {s.Failure}")}");
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
