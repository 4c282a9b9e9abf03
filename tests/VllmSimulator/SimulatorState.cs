using System.Collections.Concurrent;
using System.Threading.Channels;
using OpsBot.VllmSimulator.Metrics;

namespace OpsBot.VllmSimulator;

/// <summary>Everything that survives a simulated vLLM restart (Stop/StartAgain): queue, recordings, counters.</summary>
internal sealed class SimulatorState
{
    private readonly ConcurrentQueue<SimulatedAnswer> _answers = new();
    private readonly Queue<RecordedRequest> _recorded = new();
    private readonly Lock _recordedLock = new();
    private readonly SemaphoreSlim? _slots;
    private volatile SimulatedAnswer _defaultAnswer = SimulatedAnswer.Text("4");
    private volatile bool _healthy = true;
    private int _running;
    private int _waiting;
    private int _peakRunning;

    public SimulatorState(SimulatorOptions options)
    {
        Options = options;
        Time = options.TimeProvider ?? TimeProvider.System;
        _slots = options.MaxNumSeqs > 0 ? new SemaphoreSlim(options.MaxNumSeqs, options.MaxNumSeqs) : null;
        PrefixCache = options.PrefillTokensPerSecond is > 0 ? new Chat.PrefixCache(options.PrefixCacheEntries, options.PrefixCacheTokens) : null;
        Prefill = options is { PrefillTokensPerSecond: > 0 and var rate, SharedPrefill: true } ? new Chat.PrefillQueue(Time, rate) : null;
    }

    public SimulatorOptions Options { get; }

    public TimeProvider Time { get; }

    public SimulatorMetrics Metrics { get; } = new();

    /// <summary>Set when <see cref="SimulatorOptions.PrefillTokensPerSecond"/> is.</summary>
    internal Chat.PrefixCache? PrefixCache { get; }

    /// <summary>Set when <see cref="SimulatorOptions.SharedPrefill"/> is (with a prefill rate).</summary>
    internal Chat.PrefillQueue? Prefill { get; }

    public Channel<RecordedRequest> Aborts { get; } = Channel.CreateUnbounded<RecordedRequest>();

    public SimulatedAnswer DefaultAnswer
    {
        get => _defaultAnswer;
        set => _defaultAnswer = value ?? throw new ArgumentNullException(nameof(value));
    }

    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    public int Running => Volatile.Read(ref _running);

    public int Waiting => Volatile.Read(ref _waiting);

    public int PeakRunning => Volatile.Read(ref _peakRunning);

    public int PendingAnswers => _answers.Count;

    public void Enqueue(SimulatedAnswer answer) => _answers.Enqueue(answer);

    public SimulatedAnswer NextAnswer() => _answers.TryDequeue(out var answer) ? answer : _defaultAnswer;

    public void Record(RecordedRequest request)
    {
        lock (_recordedLock)
        {
            _recorded.Enqueue(request);
            while (_recorded.Count > Math.Max(1, Options.MaxRecordedRequests))
            {
                _recorded.Dequeue();
            }
        }
    }

    public IReadOnlyList<RecordedRequest> SnapshotRequests()
    {
        lock (_recordedLock)
        {
            return _recorded.ToArray();
        }
    }

    public void ClearRequests()
    {
        lock (_recordedLock)
        {
            _recorded.Clear();
        }
    }

    /// <summary>Takes an engine slot (max-num-seqs), counting the request as waiting meanwhile.</summary>
    public async Task EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots is not null)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        var running = Interlocked.Increment(ref _running);
        int peak;
        while (running > (peak = Volatile.Read(ref _peakRunning)) && Interlocked.CompareExchange(ref _peakRunning, running, peak) != peak)
        {
        }
    }

    public void Leave()
    {
        Interlocked.Decrement(ref _running);
        _slots?.Release();
    }
}
