using OpsBot.Bench.Hosts;

namespace OpsBot.Bench.Load;

/// <summary>Where the load goes: the simulator itself, or a proxy process (whose memory and CPU are measured) in front of it.</summary>
internal sealed record BenchTarget(string Name, Uri BaseUrl, ChildProcess? Proxy)
{
    public Uri ChatUri { get; } = BenchClient.ChatUri(BaseUrl);
}
