namespace OpsBot.ProxyCore.Events;

/// <summary>Counts completions since start and over a sliding hour for /status.</summary>
internal sealed class ProxyStatistics : IProxyStatistics, ICompletionObserver
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Queue<(DateTimeOffset At, bool Failed, bool Empty)> _recent = new();
    private readonly Lock _lock = new();
    private long _total;
    private DateTimeOffset? _lastFailureAt;
    private string? _lastFailure;

    public ProxyStatistics(TimeProvider time)
    {
        _time = time;
        _startedAt = time.GetUtcNow();
    }

    public void OnCompletion(CompletionEvent completion)
    {
        lock (_lock)
        {
            _total++;
            _recent.Enqueue((completion.At, completion.Failed, completion.EmptyAnswer));
            if (completion.Failed || completion.EmptyAnswer)
            {
                _lastFailureAt = completion.At;
                _lastFailure = completion.Error ?? (completion.EmptyAnswer ? "empty answer (0 completion tokens, no content, no tool calls)" : completion.Path.ToString());
            }

            Trim(completion.At);
        }
    }

    public ProxyStatisticsSnapshot GetSnapshot()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Trim(now);
            int errors = 0, empty = 0;
            foreach (var entry in _recent)
            {
                if (entry.Failed) errors++;
                if (entry.Empty) empty++;
            }

            return new ProxyStatisticsSnapshot(_startedAt, now - _startedAt, _total, _recent.Count, errors, empty, _lastFailureAt, _lastFailure);
        }
    }

    private void Trim(DateTimeOffset now)
    {
        while (_recent.Count > 0 && now - _recent.Peek().At > Window)
        {
            _recent.Dequeue();
        }
    }
}
