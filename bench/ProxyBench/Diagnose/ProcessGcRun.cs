using OpsBot.Bench.Load;

namespace OpsBot.Bench.Diagnose;

/// <summary>GC activity, CPU and latency of the instrumented proxy process over one fixed batch of requests.</summary>
internal sealed record ProcessGcRun(string Workload, LoadResult Load, int Concurrency, GcSnapshot Before, GcSnapshot After, long PeakRssBytes, TimeSpan Cpu)
{
    public int Requests => Math.Max(1, Load.Count);

    public double AllocatedPerRequest => (double)(After.AllocatedBytes - Before.AllocatedBytes) / Requests;

    public double CpuPerRequestMs => Cpu.TotalMilliseconds / Requests;

    public int Gen0 => After.Gen0 - Before.Gen0;

    public int Gen1 => After.Gen1 - Before.Gen1;

    public int Gen2 => After.Gen2 - Before.Gen2;

    public double PauseMilliseconds => After.PauseMilliseconds - Before.PauseMilliseconds;
}
