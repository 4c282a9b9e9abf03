using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace OpsBot.Bench.Diagnose;

/// <summary>
/// Samples the runtime's GCAllocationTick events (one per ~100 KB allocated) by type and heap, which is
/// what dotnet-counters/dotnet-trace would show, without needing those tools offline.
/// </summary>
internal sealed class AllocationListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const long GcKeyword = 0x1;

    private readonly ConcurrentDictionary<(string Type, string Heap), long> _bytes = new();

    public IReadOnlyList<AllocationSample> Top(int count) =>
        _bytes.Select(kv => new AllocationSample(kv.Key.Type, kv.Key.Heap, kv.Value))
            .OrderByDescending(s => s.Bytes)
            .Take(count)
            .ToArray();

    public void Reset() => _bytes.Clear();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            // AllocationTick is only raised at Verbose.
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = Payload(eventData, names, "TypeName") as string ?? "?";
        var kind = Convert.ToInt32(Payload(eventData, names, "AllocationKind") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
        var amount = Payload(eventData, names, "AllocationAmount64") ?? Payload(eventData, names, "AllocationAmount") ?? 0L;
        var heap = kind switch { 1 => "LOH", 2 => "POH", _ => "SOH" };
        _bytes.AddOrUpdate((type, heap), Convert.ToInt64(amount, System.Globalization.CultureInfo.InvariantCulture), (_, total) => total + Convert.ToInt64(amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static object? Payload(EventWrittenEventArgs eventData, IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return eventData.Payload?[i];
            }
        }

        return null;
    }
}
