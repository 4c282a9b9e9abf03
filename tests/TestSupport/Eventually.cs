namespace OpsBot.TestSupport;

/// <summary>
/// Waits for observable state (a counter, a recorded request, a log line) instead of sleeping for a guessed
/// time. The deadline bounds a broken test; a healthy one returns as soon as the condition holds, so the
/// deadline can be generous enough for two loaded cores without slowing anything down.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Re-checks <paramref name="condition"/> until it holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still not true after {timeout ?? DefaultTimeout}: {what}");
            }

            // A poll interval, not a guess of how long the work takes: the condition decides.
            await Task.Delay(5);
        }
    }

    /// <summary>Re-evaluates <paramref name="read"/> until it returns a value.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<T?> read, string what, TimeSpan? timeout = null)
        where T : class
    {
        T? value = null;
        await HoldsAsync(() => (value = read()) is not null, what, timeout);
        return value!;
    }
}
