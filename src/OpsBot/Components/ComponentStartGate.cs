namespace OpsBot.Components;

/// <summary>
/// Holds the components back until the proxy has answered its first request, or <see cref="MaxWait"/> after it started
/// listening, whichever comes first: on 2 cores, building the Discord client, history, SSH and Docker while the first
/// <c>/health</c> is being served doubled the time to its answer. Nothing waits for a component; they only start later.
/// </summary>
/// <remarks>Not registered (a host without a proxy, a test building parts): components start at once.</remarks>
public sealed class ComponentStartGate(TimeProvider time)
{
    /// <summary>Long enough for a health check started with the service; short enough that nobody waits on it.</summary>
    public static TimeSpan MaxWait { get; } = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;

    /// <summary>Completes when components may start.</summary>
    public Task Opened => _opened.Task;

    public bool IsOpen => _opened.Task.IsCompleted;

    /// <summary>The proxy answered (or could not start): components start now.</summary>
    public void Open()
    {
        if (_opened.TrySetResult())
        {
            _timer?.Dispose();
        }
    }

    /// <summary>The proxy listens: components start at its first answer, and at the latest after <see cref="MaxWait"/>.</summary>
    public void OpenAfterMaxWait()
    {
        if (!IsOpen)
        {
            _timer ??= time.CreateTimer(static gate => ((ComponentStartGate)gate!).Open(), this, MaxWait, Timeout.InfiniteTimeSpan);
        }
    }
}
