namespace OpsBot.Bench.Load;

/// <summary>Resident memory of a proxy process around the 1 MiB-body phase.</summary>
internal sealed record RssResult(long BeforeBytes, long PeakBytes, long AfterBytes, bool PeakWasReset, LoadResult Load);
