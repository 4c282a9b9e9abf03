using System.Globalization;
using OpsBot.History;

namespace OpsBot.Charts;

/// <summary>Turns a history series into the panels of a chart: what each panel shows, its colours and its words.</summary>
public static class ChartModelBuilder
{
    // Colour-blind-safe pairs (Tableau 10): blue for latency and requests, green for first token, red and orange for trouble.
    public const uint Blue = 0x4C78A8;
    public const uint Green = 0x54A24B;
    public const uint Red = 0xE45756;
    public const uint Orange = 0xF58518;
    public const uint Purple = 0xB279A2;

    public const string Requests = "requests";
    public const string Errors = "errors";
    public const string EmptyAnswers = "empty answers";
    public const string LatencyP50 = "latency p50";
    public const string LatencyP95 = "latency p95";
    public const string FirstTokenP50 = "first token p50";
    public const string FirstTokenP95 = "first token p95";
    public const string KvCacheMean = "mean";
    public const string KvCachePeak = "peak";

    public static ChartModel Build(HistorySeries series, ChartRange range)
    {
        var traffic = series.Traffic;
        var requests = traffic.Sum(p => p.Requests);
        var errors = traffic.Sum(p => p.Failed);
        var empty = traffic.Sum(p => p.EmptyAnswers);
        var kvPeak = series.Vllm.Max(p => p.KvCacheMax);
        var step = range.StepText;

        ChartPanel[] panels =
        [
            new($"Requests per {step} · {Count(requests)} in all", ChartScale.Count,
                [new(Requests, ChartMark.Bars, Blue, [.. traffic.Select(p => (double?)p.Requests)])]),
            new($"Errors and empty answers · {Count(errors)} {Plural(errors, "error")}, {Count(empty)} empty", ChartScale.Count,
            [
                new(Errors, ChartMark.Bars, Red, [.. traffic.Select(p => (double?)p.Failed)]),
                new(EmptyAnswers, ChartMark.Bars, Orange, [.. traffic.Select(p => (double?)p.EmptyAnswers)]),
            ]),
            new("Response times", ChartScale.LogSeconds,
            [
                new(LatencyP95, ChartMark.DashedLine, Blue, [.. traffic.Select(p => Seconds(p.LatencyP95))]),
                new(LatencyP50, ChartMark.Line, Blue, [.. traffic.Select(p => Seconds(p.LatencyP50))]),
                new(FirstTokenP95, ChartMark.DashedLine, Green, [.. traffic.Select(p => Seconds(p.TimeToFirstTokenP95))]),
                new(FirstTokenP50, ChartMark.Line, Green, [.. traffic.Select(p => Seconds(p.TimeToFirstTokenP50))]),
            ], EmptyNote: requests == 0 ? "no request in this window" : null),
            new(kvPeak is { } peak ? $"vLLM KV-cache use, % · peak {PercentText(peak)} %" : "vLLM KV-cache use, %", ChartScale.Percent,
            [
                new(KvCachePeak, ChartMark.DashedLine, Purple, [.. series.Vllm.Select(p => Percent(p.KvCacheMax))]),
                new(KvCacheMean, ChartMark.Line, Purple, [.. series.Vllm.Select(p => Percent(p.KvCacheMean))]),
            ], EmptyNote: kvPeak is null ? "no vLLM sample in this window (the monitor reads vLLM's /metrics)" : null),
        ];

        return new ChartModel(
            $"OpsBot · {range.Description}",
            $"{Utc(series.From)} – {Utc(series.To)} UTC · one point per {step}",
            range,
            series.From,
            series.To,
            [.. traffic.Select(p => p.Start)],
            panels,
            NoData(series, range));
    }

    private static string? NoData(HistorySeries series, ChartRange range)
    {
        if (!series.Health.IsAvailable)
        {
            return $"No data for the {range.Description}: history is unavailable ({series.Health.Problem ?? series.Health.State.ToString()})";
        }

        return series.HasData ? null : $"No data for the {range.Description}: no proxy request and no vLLM sample was recorded";
    }

    private static double? Seconds(TimeSpan? value) => value?.TotalSeconds;

    private static double? Percent(double? fraction) => fraction * 100;

    private static string PercentText(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Plural(long count, string word) => count == 1 ? word : word + "s";

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
