namespace OpsBot.Bench.Diagnose;

/// <summary>Bytes attributed to one type on one heap by the sampled allocation ticks.</summary>
internal sealed record AllocationSample(string Type, string Heap, long Bytes);
