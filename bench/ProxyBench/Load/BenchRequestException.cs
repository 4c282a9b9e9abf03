namespace OpsBot.Bench.Load;

/// <summary>A benchmark request that did not get a 200 answer.</summary>
internal sealed class BenchRequestException(string message) : Exception(message);
