namespace OpsBot.Bench.Diagnose;

/// <summary>What the instrumented proxy reports at <c>/bench/gc</c>.</summary>
internal sealed record GcSnapshot(
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long HeapBytes,
    long CommittedBytes,
    double PauseMilliseconds,
    bool ServerGc,
    IReadOnlyList<AllocationSample> TopAllocations)
{
    public static GcSnapshot Capture(AllocationListener listener)
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new GcSnapshot(
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalMemory(forceFullCollection: false),
            info.TotalCommittedBytes,
            GC.GetTotalPauseDuration().TotalMilliseconds,
            System.Runtime.GCSettings.IsServerGC,
            listener.Top(8));
    }
}
