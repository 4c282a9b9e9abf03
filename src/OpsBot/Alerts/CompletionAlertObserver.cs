using System.Threading.Channels;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Alerts;

/// <summary>Hands completion events to <see cref="CompletionAlertWorker"/>: called on the request path, so it only queues.</summary>
public sealed class CompletionAlertObserver : ICompletionObserver
{
    // Bounded: a stalled alert pipeline must not grow memory; under that much traffic an alert is already out.
    private readonly Channel<CompletionEvent> _channel = Channel.CreateBounded<CompletionEvent>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<CompletionEvent> Reader => _channel.Reader;

    public void OnCompletion(CompletionEvent completion) => _channel.Writer.TryWrite(completion);
}
