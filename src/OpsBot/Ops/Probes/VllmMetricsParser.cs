using System.Globalization;

namespace OpsBot.Ops.Probes;

/// <summary>
/// Reads the few series we need from Prometheus text exposition. Running/waiting (and generated tokens) are summed over
/// engines (data-parallel ranks each report their own); KV-cache usage takes the fullest engine.
/// </summary>
public static class VllmMetricsParser
{
    public const string Running = "vllm:num_requests_running";
    public const string Waiting = "vllm:num_requests_waiting";
    public const string KvCache = "vllm:kv_cache_usage_perc";
    public const string GenerationTokens = "vllm:generation_tokens_total";

    // Removed in vLLM 0.11/0.12 but still worth reading from an older server.
    public const string LegacyKvCache = "vllm:gpu_cache_usage_perc";

    public static VllmMetrics Parse(string text)
    {
        double? running = null, waiting = null, kv = null, legacyKv = null, generated = null;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (!TryParseSample(line, out var name, out var value))
            {
                continue;
            }

            switch (name)
            {
                case Running:
                    running = (running ?? 0) + value;
                    break;
                case Waiting:
                    waiting = (waiting ?? 0) + value;
                    break;
                case KvCache:
                    kv = Math.Max(kv ?? double.MinValue, value);
                    break;
                case LegacyKvCache:
                    legacyKv = Math.Max(legacyKv ?? double.MinValue, value);
                    break;
                case GenerationTokens:
                    generated = (generated ?? 0) + value;
                    break;
            }
        }

        return new VllmMetrics(running, waiting, kv ?? legacyKv, generated);
    }

    /// <summary>Parses <c>name{labels} value [timestamp]</c>; label values may contain spaces, braces and escaped quotes.</summary>
    internal static bool TryParseSample(ReadOnlySpan<char> line, out string name, out double value)
    {
        name = "";
        value = 0;
        var i = 0;
        while (i < line.Length && line[i] != '{' && !char.IsWhiteSpace(line[i]))
        {
            i++;
        }

        if (i == 0)
        {
            return false;
        }

        name = line[..i].ToString();
        if (i < line.Length && line[i] == '{')
        {
            var inQuotes = false;
            for (i++; i < line.Length; i++)
            {
                var c = line[i];
                if (inQuotes && c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = !inQuotes;
                }
                else if (c == '}' && !inQuotes)
                {
                    i++;
                    break;
                }
            }
        }

        var rest = line[Math.Min(i, line.Length)..].Trim();
        var end = rest.IndexOfAny(' ', '\t');
        var number = end < 0 ? rest : rest[..end];
        return number switch
        {
            "+Inf" => Assign(double.PositiveInfinity, out value),
            "-Inf" => Assign(double.NegativeInfinity, out value),
            "NaN" => Assign(double.NaN, out value),
            _ => double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value),
        };
    }

    private static bool Assign(double v, out double value)
    {
        value = v;
        return true;
    }
}
