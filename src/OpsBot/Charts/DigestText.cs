using System.Globalization;
using OpsBot.History;

namespace OpsBot.Charts;

/// <summary>The digest's one line: what an operator checks first, in the order they check it.</summary>
public static class DigestText
{
    /// <summary>
    /// <c>OpsBot, 24 h to 25 Nov 08:00 UTC: 3,269 requests, 163 errors, 90 empty answers · latency p50 4.1 s, p95 18 s ·
    /// first token p50 650 ms, p95 2.3 s · KV cache peak 100 %</c>
    /// </summary>
    public static string Summary(OperationsSummary day, ChartModel chart)
    {
        var head = $"OpsBot, 24 h to {day.To.UtcDateTime.ToString("d MMM HH:mm", CultureInfo.InvariantCulture)} UTC: ";
        if (!day.Health.IsAvailable)
        {
            return head + $"history is unavailable ({day.Health.Problem ?? day.Health.State.ToString()})";
        }

        var traffic = day.Traffic;
        var parts = new List<string>
        {
            traffic.Requests == 0
                ? "no proxy request"
                : $"{Count(traffic.Requests, "request")}, {Count(traffic.Failed, "error")}, {Count(traffic.EmptyAnswers, "empty answer")}",
        };
        if (traffic.LatencyP50 is { } p50 && traffic.LatencyP95 is { } p95)
        {
            parts.Add($"latency p50 {Latency(p50)}, p95 {Latency(p95)}");
        }

        if (traffic.TimeToFirstTokenP50 is { } t50 && traffic.TimeToFirstTokenP95 is { } t95)
        {
            parts.Add($"first token p50 {Latency(t50)}, p95 {Latency(t95)}");
        }

        var kvPeak = chart.Panels.SelectMany(p => p.Series).Where(s => s.Label == ChartModelBuilder.KvCachePeak).SelectMany(s => s.Values).Max();
        parts.Add(kvPeak is { } peak ? $"KV cache peak {peak.ToString("0", CultureInfo.InvariantCulture)} %" : "no vLLM sample");
        return head + string.Join(" · ", parts);
    }

    /// <summary>Two significant figures, in the unit that keeps them whole: <c>850 ms</c>, <c>4.1 s</c>, <c>18 s</c>, <c>2.5 min</c>.</summary>
    public static string Latency(TimeSpan value) => value.TotalMilliseconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.0} ms"),
        < 1000 => string.Create(CultureInfo.InvariantCulture, $"{Round2(value.TotalMilliseconds):0} ms"),
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s"),
        < 120_000 => string.Create(CultureInfo.InvariantCulture, $"{Round2(value.TotalSeconds):0} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMinutes:0.#} min"),
    };

    private static double Round2(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)) - 1);
        return Math.Round(value / magnitude) * magnitude;
    }

    private static string Count(long count, string what) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {what}{(count == 1 ? "" : "s")}";
}
