namespace OpsBot.Bench.Load;

/// <summary>CPU time each process spent during a phase (client = the benchmark process itself).</summary>
internal sealed record CpuUse(TimeSpan Proxy, TimeSpan Simulator, TimeSpan Client)
{
    public static CpuUse Zero { get; } = new(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);

    public CpuUse Add(CpuUse other) => new(Proxy + other.Proxy, Simulator + other.Simulator, Client + other.Client);

    public CpuUse Minus(CpuUse earlier) => new(Proxy - earlier.Proxy, Simulator - earlier.Simulator, Client - earlier.Client);
}
