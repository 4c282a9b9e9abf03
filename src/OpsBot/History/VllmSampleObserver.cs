using System.Threading.Channels;
using OpsBot.Ops.Probes;

namespace OpsBot.History;

/// <summary>Hands the vLLM probe's <c>/metrics</c> samples to <see cref="VllmSampleWriter"/> without ever making the probe wait.</summary>
public sealed class VllmSampleObserver : IVllmMetricsObserver
{
    // A probe every few seconds at most: 1000 samples is a long stall; dropping the oldest then loses only old points.
    private readonly Channel<(DateTimeOffset At, VllmMetrics Metrics)> _channel = Channel.CreateBounded<(DateTimeOffset, VllmMetrics)>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<(DateTimeOffset At, VllmMetrics Metrics)> Reader => _channel.Reader;

    public void OnSample(DateTimeOffset at, VllmMetrics metrics) => _channel.Writer.TryWrite((at, metrics));
}
