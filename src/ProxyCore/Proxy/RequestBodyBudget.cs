using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Bounds the request bytes the proxy holds in memory at once (<see cref="ProxyOptions.MaxBufferedRequestBytes"/>).
/// A chat request is kept whole until its answer is done (restart retries and the stream-to-buffer fallback send
/// it again), so without a bound 64 clients with 1 MiB contexts cost 64 MiB of bodies plus as much again for their
/// parse. A request whose bytes do not fit waits, first come first served, before its body is read; its client's
/// bytes stay in the kernel's socket buffer meanwhile (Kestrel reads ahead only <see cref="KestrelReadAhead"/>).
/// </summary>
public sealed class RequestBodyBudget
{
    /// <summary>How far Kestrel reads a body the proxy is not reading yet (its default is 1 MiB per connection).</summary>
    public const int KestrelReadAhead = 64 * 1024;

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available;

    public RequestBodyBudget(IOptions<ProxyOptions> options)
        : this(options.Value.MaxBufferedRequestBytes)
    {
    }

    internal RequestBodyBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _available = capacity;
    }

    public long Capacity { get; }

    /// <summary>Bytes held by requests now; above <see cref="Capacity"/> only while bodies without a length overdraw.</summary>
    public long InUse
    {
        get
        {
            lock (_gate)
            {
                return Capacity - _available;
            }
        }
    }

    /// <summary>Requests waiting for bytes.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="bytes"/> (at most the whole budget: a body larger than it runs alone), waiting in
    /// arrival order while they are not free.
    /// </summary>
    public ValueTask<RequestBodyLease> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        bytes = Math.Min(bytes, Capacity);
        Waiter waiter;
        lock (_gate)
        {
            // Nobody overtakes a waiter, or a stream of small bodies would starve a large one.
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return ValueTask.FromResult(new RequestBodyLease(this, bytes));
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(this, bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    private async ValueTask<RequestBodyLease> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(static state => ((Waiter)state!).Owner.Cancel((Waiter)state!), waiter))
        {
            return await waiter.Granted.Task.ConfigureAwait(false);
        }
    }

    private void Cancel(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _waiters.Remove(waiter.Node);
        }

        waiter.Granted.TrySetCanceled();
        // The head may have been the one blocking smaller requests behind it.
        Release(0);
    }

    /// <summary>Takes bytes without waiting; a body of unknown length grows its lease this way (waiting there could deadlock).</summary>
    internal void Overdraw(long bytes)
    {
        lock (_gate)
        {
            _available -= bytes;
        }
    }

    internal void Release(long bytes)
    {
        List<Waiter>? granted = null;
        lock (_gate)
        {
            _available += bytes;
            while (_waiters.First is { } head && head.Value.Bytes <= _available)
            {
                _available -= head.Value.Bytes;
                _waiters.RemoveFirst();
                (granted ??= []).Add(head.Value);
            }
        }

        if (granted is null)
        {
            return;
        }

        foreach (var waiter in granted)
        {
            if (!waiter.Granted.TrySetResult(new RequestBodyLease(this, waiter.Bytes)))
            {
                // Cancelled between leaving the queue and here: give the bytes back.
                Release(waiter.Bytes);
            }
        }
    }

    private sealed class Waiter(RequestBodyBudget owner, long bytes)
    {
        public RequestBodyBudget Owner { get; } = owner;

        public long Bytes { get; } = bytes;

        public TaskCompletionSource<RequestBodyLease> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
