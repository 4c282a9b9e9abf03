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

    /// <summary>Client send to the simulator holding the whole request body, per TTFT sample.</summary>
    public List<double> TtftRequestLegMs { get; } = [];

    /// <summary>The rest of the time to first token: the simulator's first token and its way back to the client.</summary>
    public List<double> TtftResponseLegMs { get; } = [];

    /// <summary>Process start to the first 200 from <c>/health</c> (null for the simulator itself).</summary>
    public TimeSpan? StartToHealthy { get; set; }

    /// <summary>The hop's CPU (utime+stime) by its first 200 from <c>/health</c>: on a shared machine it moves far less than the wall clock.</summary>
    public TimeSpan? CpuToHealthy { get; set; }

    /// <summary>RSS after start-up, one request and a short settle.</summary>
    public long IdleRss { get; set; }

    /// <summary>VmHWM over the c=32 throughput rounds.</summary>
    public long ThroughputPeakRss { get; set; }

    /// <summary>RSS <see cref="BenchSettings.RssRecovery"/> after the 1 MiB load ended.</summary>
    public long RecoveredRss { get; set; }

    public RssResult? Rss { get; set; }
}
