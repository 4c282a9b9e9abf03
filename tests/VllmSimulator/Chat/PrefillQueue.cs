namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// <see cref="SimulatorOptions.SharedPrefill"/>: one engine's prompt-processing capacity. vLLM's scheduler serves
/// waiting requests first come first served and packs their prefill into each step's token budget, so the engine
/// processes prompt tokens at a fixed total rate: a request's prefill starts when the prefills ahead of it are done.
/// </summary>
internal sealed class PrefillQueue(TimeProvider time, double tokensPerSecond)
{
    private readonly Lock _lock = new();
    private long _freeAt;

    /// <summary>Books <paramref name="tokens"/> of prompt processing behind those already booked.</summary>
    /// <returns>How long until they are processed.</returns>
    public TimeSpan Reserve(int tokens)
    {
        var now = time.GetTimestamp();
        var cost = (long)(tokens / tokensPerSecond * time.TimestampFrequency);
        long done;
        lock (_lock)
        {
            done = Math.Max(now, _freeAt) + cost;
            _freeAt = done;
        }

        return TimeSpan.FromSeconds((double)(done - now) / time.TimestampFrequency);
    }
}
