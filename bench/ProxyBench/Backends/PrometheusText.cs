using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsBot.Bench.Backends;

/// <summary>Samples of a Prometheus text exposition (vLLM's and opsbot's /metrics).</summary>
internal static partial class PrometheusText
{
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || Sample().Match(line) is not { Success: true } match)
            {
                continue;
            }

            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            samples.Add(new MetricSample(match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }

        return samples;
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include <paramref name="where"/>.</summary>
    public static double Sum(IEnumerable<MetricSample> samples, string name, params (string Key, string Value)[] where) =>
        samples.Where(s => s.Name == name && where.All(w => s.Labels.TryGetValue(w.Key, out var v) && v == w.Value)).Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}

internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
