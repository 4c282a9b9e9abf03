namespace OpsBot.Bench.Load;

/// <summary>Everything measured for one target, filled phase by phase.</summary>
internal sealed class TargetMeasurements(string name, BenchTarget? target, string? unavailableReason = null)
{
    public string Name { get; } = name;

    public BenchTarget? Target { get; } = target;

    /// <summary>Why the target was not measured (e.g. the proxy has no stream mode yet).</summary>
    public string? UnavailableReason { get; } = unavailableReason;

    public bool Available => Target is not null;

    public LoadResult Latency { get; set; } = LoadResult.Empty;

    public CpuUse LatencyCpu { get; set; } = CpuUse.Zero;

    public LoadResult Throughput { get; set; } = LoadResult.Empty;

    public CpuUse ThroughputCpu { get; set; } = CpuUse.Zero;

    public List<double> TtftMs { get; } = [];

    public List<double> TtftTotalMs { get; } = [];

    public RssResult? Rss { get; set; }
}
