namespace OpsBot.Bench.Load;

internal static class Percentiles
{
    /// <summary>Nearest-rank percentile; NaN for no samples.</summary>
    public static double Of(IReadOnlyCollection<double> samples, double quantile)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
