namespace OpsBot.Bench.Load;

/// <summary>Everything measured for one target, filled phase by phase.</summary>
internal sealed class TargetMeasurements(BenchTarget target)
{
    public BenchTarget Target { get; } = target;

    public string Name => Target.Name;

    public LoadResult Latency { get; set; } = LoadResult.Empty;

    public CpuUse LatencyCpu { get; set; } = CpuUse.Zero;

    public LoadResult Throughput { get; set; } = LoadResult.Empty;

    public CpuUse ThroughputCpu { get; set; } = CpuUse.Zero;

    public List<double> TtftMs { get; } = [];

    public List<double> TtftTotalMs { get; } = [];

    public RssResult? Rss { get; set; }
}
