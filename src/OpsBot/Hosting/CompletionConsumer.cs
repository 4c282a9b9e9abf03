using System.Runtime.ExceptionServices;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Hosting;

/// <summary>
/// The background half of a <see cref="CompletionQueue{TConsumer}"/>: one loop, off the request path, hands every queued
/// completion event to <see cref="HandleAsync"/> until the host stops. What a handler that throws costs is
/// <see cref="OnHandleFailed"/>'s choice: by default the loop ends and the component supervisor reports the crash.
/// </summary>
public abstract class CompletionConsumer<TSelf>(CompletionQueue<TSelf> queue) : BackgroundService where TSelf : CompletionConsumer<TSelf>
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await DrainAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Handles what is queued now. Only from the loop, or once it has ended (the queue has a single reader).</summary>
    protected async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (queue.Reader.TryRead(out var completion))
        {
            try
            {
                await HandleAsync(completion, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                OnHandleFailed(ex);
            }
        }
    }

    protected abstract ValueTask HandleAsync(CompletionEvent completion, CancellationToken cancellationToken);

    /// <summary>Called with what <see cref="HandleAsync"/> threw (but cancellation); returning drops that one event and goes on.</summary>
    protected virtual void OnHandleFailed(Exception exception) => ExceptionDispatchInfo.Throw(exception);
}
