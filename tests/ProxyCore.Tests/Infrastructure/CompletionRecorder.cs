using System.Collections.Concurrent;
using OpsBot.ProxyCore.Events;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>Collects the proxy's completion events so tests can assert on them.</summary>
public sealed class CompletionRecorder : ICompletionObserver
{
    private readonly ConcurrentQueue<CompletionEvent> _events = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<CompletionEvent> Events => _events.ToArray();

    public void OnCompletion(CompletionEvent completion)
    {
        _events.Enqueue(completion);
        _arrived.Release();
    }

    /// <summary>Waits for the next event; the proxy publishes after the response is written.</summary>
    public async Task<CompletionEvent> NextAsync(int index = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_events.Count <= index)
        {
            if (!await _arrived.WaitAsync(deadline - DateTime.UtcNow))
            {
                throw new TimeoutException($"No completion event #{index} within 10 s.");
            }
        }

        return _events.ToArray()[index];
    }
}
