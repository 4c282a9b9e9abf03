using System.Collections.Concurrent;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Remembers interaction ids so an event delivered twice (a resume replay, Discord's at-least-once delivery) runs once.
/// Ids older than an interaction token's 15-minute life are forgotten: nothing can be answered for them anyway.
/// </summary>
public sealed class InteractionDeduplicator(TimeProvider time)
{
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(20);
    private const int PurgeEvery = 256;

    private readonly ConcurrentDictionary<ulong, DateTimeOffset> _seen = new();
    private int _added;

    /// <summary>True the first time an id is seen.</summary>
    public bool TryRegister(ulong interactionId)
    {
        var now = time.GetUtcNow();
        if (!_seen.TryAdd(interactionId, now))
        {
            return false;
        }

        if (Interlocked.Increment(ref _added) % PurgeEvery == 0)
        {
            foreach (var (id, seenAt) in _seen)
            {
                if (now - seenAt > Retention)
                {
                    _seen.TryRemove(id, out _);
                }
            }
        }

        return true;
    }

    public int Count => _seen.Count;
}
