namespace OpsBot.Bench.Load;

/// <summary>Latencies (ms, full response read) of the requests one closed-loop run completed, and how long it took.</summary>
internal sealed record LoadResult(double[] LatenciesMs, TimeSpan Elapsed)
{
    public static LoadResult Empty { get; } = new([], TimeSpan.Zero);

    public int Count => LatenciesMs.Length;

    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Count / Elapsed.TotalSeconds : 0;

    public double Percentile(double quantile) => Percentiles.Of(LatenciesMs, quantile);

    /// <summary>Rounds interleaved across targets are merged so background load hits every target alike.</summary>
    public LoadResult Merge(LoadResult other) => new([.. LatenciesMs, .. other.LatenciesMs], Elapsed + other.Elapsed);
}
