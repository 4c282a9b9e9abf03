using System.Globalization;
using OpsBot.Alerts;
using OpsBot.Charts;
using OpsBot.Ops;

namespace OpsBot.Status;

/// <summary>
/// The figures of each service as short plain-text lines (a phone shows about 40 characters a line), shared by the
/// Discord and terminal renderers so both say the same thing in the same words. Times are written by the caller's
/// <c>when</c> (Discord: a timestamp each reader sees in their own zone; terminal: "3 h ago").
/// </summary>
public static class StatusFigures
{
    /// <summary>
    /// The one figure that says most about a healthy service (KV-cache use, the proxy's hour, the gateway's uptime), or
    /// the state's word when it is not healthy (the reason is the first line of <see cref="Lines"/>). May be longer than a
    /// phone line only when it falls back to the probe's summary; the Discord renderer shortens it.
    /// </summary>
    public static string Headline(ServiceStatus service, StatusReport report, Func<DateTimeOffset, string> when)
    {
        if (service.State != HealthState.Healthy)
        {
            return service.State.ToString().ToLowerInvariant();
        }

        var facts = service.Facts;
        if (facts == ServiceFacts.None)
        {
            // No typed figures (the proxy probed from outside, an older service): the probe's own words.
            return service.Summary.Length > 0 ? service.Summary : "healthy";
        }

        return service.Service switch
        {
            StackService.Vllm when facts.KvCacheUsage is { } kv => $"KV cache {Percent(kv)}",
            StackService.Proxy when report.LastHour is { } hour => hour.Errors > 0
                ? $"{Count(hour.Requests)} req/h · {Plural(hour.Errors, "error")}"
                : hour.LatencyP95 is { } p95 ? $"{Count(hour.Requests)} req/h · p95 {Seconds(p95)}" : $"{Count(hour.Requests)} req/h",
            StackService.Gateway when facts.Since is { } since => $"started {when(since)}",
            _ => service.Summary.Length > 0 ? service.Summary : "healthy",
        };
    }

    /// <summary>The lines under a service's headline: why it is not healthy, then what an operator acts on.</summary>
    public static IReadOnlyList<string> Lines(ServiceStatus service, StatusReport report, Func<DateTimeOffset, string> when)
    {
        var lines = new List<string>();
        if (service.State != HealthState.Healthy && service.Summary.Length > 0)
        {
            lines.Add(service.Summary);
        }

        var facts = service.Facts;
        switch (service.Service)
        {
            case StackService.Vllm:
                if (facts.Models is { Count: > 0 } models)
                {
                    lines.Add(string.Join(", ", models));
                }

                if (facts.RequestsRunning is not null || facts.RequestsWaiting is not null)
                {
                    lines.Add($"{Number(facts.RequestsRunning)} running · {Number(facts.RequestsWaiting)} waiting");
                }

                var throughput = report.GenerationTokensPerSecond is { } tps ? $"{tps.ToString("0", CultureInfo.InvariantCulture)} tok/s" : null;
                var kv = facts.KvCacheUsage is { } usage ? $"KV cache {Percent(usage)}" : null;
                if (kv is not null || throughput is not null)
                {
                    lines.Add(string.Join(" · ", new[] { kv, throughput }.OfType<string>()));
                }

                AddStarted(lines, facts.State is null ? null : $"container {facts.State}", facts, when);
                break;

            case StackService.Proxy:
                if (report.LastHour is { } hour)
                {
                    lines.Add($"{Plural(hour.Requests, "request")} · {Plural(hour.Errors, "error")} · {Count(hour.EmptyAnswers)} empty");
                    if (hour.LatencyP50 is { } p50 && hour.LatencyP95 is { } p95)
                    {
                        lines.Add($"latency p50 {Seconds(p50)} · p95 {Seconds(p95)}");
                    }

                    if (hour.TimeToFirstTokenP50 is { } t50 && hour.TimeToFirstTokenP95 is { } t95)
                    {
                        lines.Add($"first token p50 {Seconds(t50)} · p95 {Seconds(t95)}");
                    }
                }

                if (report.Proxy is { LastFailureAt: { } failedAt, LastFailure: { } failure })
                {
                    lines.Add($"last failure {when(failedAt)}: {failure}");
                }

                AddStarted(lines, facts.Port is { } port && facts.PortOpen == true ? $"listening on port {port}" : null, facts, when);
                break;

            case StackService.Gateway:
                if (facts.PortOpen == false && facts.Port is { } closed && service.State == HealthState.Healthy)
                {
                    lines.Add($"port {closed} closed");
                }

                AddStarted(lines, facts.State, facts, when);
                break;
        }

        return lines;
    }

    /// <summary>"active (running) · started 3 h ago · 2 restarts", split where a phone would wrap it.</summary>
    private static void AddStarted(List<string> lines, string? state, ServiceFacts facts, Func<DateTimeOffset, string> when)
    {
        if (state is not null)
        {
            lines.Add(state);
        }

        var started = facts.Since is { } since ? $"started {when(since)}" : null;
        var restarts = facts.Restarts is { } count ? Plural(count, "restart") : null;
        if (started is not null || restarts is not null)
        {
            lines.Add(string.Join(" · ", new[] { started, restarts }.OfType<string>()));
        }
    }

    /// <summary>Latencies as the daily digest writes them: <c>850 ms</c>, <c>4.1 s</c>, <c>18 s</c>.</summary>
    private static string Seconds(TimeSpan value) => DigestText.Latency(value);

    /// <summary>A fraction as a whole percentage ("41 %"); under 1 % but not zero reads "&lt;1 %", never "0 %".</summary>
    public static string Percent(double fraction) =>
        fraction > 0 && fraction < 0.005 ? "<1 %" : $"{(fraction * 100).ToString("0", CultureInfo.InvariantCulture)} %";

    private static string Number(double? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "?";

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Plural(long count, string singular) => AlertText.Plural(count, singular, singular + "s");
}
