using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;

namespace OpsBot.Ops.Monitoring;

public sealed class HealthHistory : IHealthHistory
{
    private const int SubscriberBuffer = 256;

    private readonly Lock _gate = new();
    private readonly Queue<HealthTransition> _recent = new();
    private readonly List<Channel<HealthTransition>> _subscribers = [];
    private readonly int _capacity;

    public HealthHistory(IOptions<MonitorOptions> options) => _capacity = options.Value.HistoryCapacity;

    public void Publish(HealthTransition transition)
    {
        lock (_gate)
        {
            _recent.Enqueue(transition);
            while (_recent.Count > _capacity)
            {
                _recent.Dequeue();
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(transition);
            }
        }
    }

    public IReadOnlyList<HealthTransition> Recent(int max)
    {
        lock (_gate)
        {
            return _recent.Skip(Math.Max(0, _recent.Count - max)).ToArray();
        }
    }

    /// <summary>
    /// Subscribes at the call, not at the first MoveNextAsync, so nothing published in between is
    /// lost. Enumerate the result: the subscription ends when the enumeration ends.
    /// </summary>
    public IAsyncEnumerable<HealthTransition> WatchAsync(CancellationToken cancellationToken, bool replayRecent = false)
    {
        var channel = Channel.CreateBounded<HealthTransition>(new BoundedChannelOptions(SubscriberBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            // Under the lock: nothing published between the replay and the subscription is lost or doubled.
            foreach (var recent in replayRecent ? _recent.TakeLast(SubscriberBuffer) : [])
            {
                channel.Writer.TryWrite(recent);
            }

            _subscribers.Add(channel);
        }

        return ReadAsync(channel, cancellationToken);
    }

    private async IAsyncEnumerable<HealthTransition> ReadAsync(Channel<HealthTransition> channel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var transition in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return transition;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
