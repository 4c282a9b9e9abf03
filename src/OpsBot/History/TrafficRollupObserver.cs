using System.Threading.Channels;
using OpsBot.ProxyCore.Events;

namespace OpsBot.History;

/// <summary>Hands completion events to <see cref="TrafficRollupWriter"/> without ever blocking a proxy request.</summary>
public sealed class TrafficRollupObserver : ICompletionObserver
{
    // Bounded so a stalled writer cannot eat memory; dropping the oldest only costs roll-up precision.
    private readonly Channel<CompletionEvent> _channel = Channel.CreateBounded<CompletionEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<CompletionEvent> Reader => _channel.Reader;

    public void OnCompletion(CompletionEvent completion) => _channel.Writer.TryWrite(completion);
}
