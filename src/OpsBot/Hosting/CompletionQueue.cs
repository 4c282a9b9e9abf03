using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Threading.Channels;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Hosting;

/// <summary>
/// Completion events on their way from the proxy to one <see cref="CompletionConsumer{TConsumer}"/> (the type argument
/// names it, and keeps each consumer's queue apart in DI). <see cref="OnCompletion"/> runs on the request path, so it only
/// queues: bounded, dropping the oldest event when full, so a stalled consumer costs precision (an alert is already out
/// under that much traffic, a roll-up loses some counts), never memory or a proxy request's time.
/// </summary>
public sealed class CompletionQueue<TConsumer> : ICompletionObserver where TConsumer : CompletionConsumer<TConsumer>
{
    private const int Capacity = 10_000;

    private readonly Channel<CompletionEvent> _channel = Channel.CreateBounded<CompletionEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public ChannelReader<CompletionEvent> Reader => _channel.Reader;

    public void OnCompletion(CompletionEvent completion) => _channel.Writer.TryWrite(completion);
}

public static class CompletionQueueServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="TConsumer"/>'s queue as a completion observer; the consumer itself is registered by its component.</summary>
    public static IServiceCollection AddCompletionQueue<TConsumer>(this IServiceCollection services) where TConsumer : CompletionConsumer<TConsumer>
    {
        services.TryAddSingleton<CompletionQueue<TConsumer>>();
        services.AddSingleton<ICompletionObserver>(sp => sp.GetRequiredService<CompletionQueue<TConsumer>>());
        return services;
    }
}
