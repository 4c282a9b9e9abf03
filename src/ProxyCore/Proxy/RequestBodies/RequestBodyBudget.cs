using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy.RequestBodies;

/// <summary>
/// Bounds the request bytes the proxy holds in memory at once (<see cref="ProxyOptions.MaxBufferedRequestBytes"/>).
/// A chat request is kept whole until its answer is done (restart retries and the stream-to-buffer fallback send
/// it again), so without a bound 64 clients with 1 MiB contexts cost 64 MiB of bodies plus as much again for their
/// parse. A request whose bytes do not fit waits, first come first served, before its body is read; its client's
/// bytes stay in the kernel's socket buffer meanwhile (Kestrel reads ahead only <see cref="KestrelReadAhead"/>).
/// </summary>
/// <remarks>
/// <para>
/// Two kinds of wait. <see cref="AcquireAsync"/> is taken before a body is read (its length, or the first slice of a
/// body without one); it holds nothing while it waits. <see cref="RequestBodyLease.GrowAsync"/> is taken by a body
/// without a length (chunked) that outgrew what it holds; it waits <em>holding</em> bytes, which is where a deadlock
/// could come from: growing bodies that each hold part of the budget and each wait for more.
/// </para>
/// <para>
/// Growth therefore follows three rules. (1) Growing bodies are served oldest lease first, before any new
/// acquisition, and nothing new is granted while one waits, so the bytes held by bodies that are not waiting can only
/// go down: those are bodies being answered or read whole, which never wait here. (2) When every byte in use belongs
/// to bodies waiting to grow (nobody else will ever give any back), the oldest of them grows past the budget.
/// (3) It stays the oldest until it is done, so at most one body is past the budget at any time.
/// </para>
/// <para>
/// So no wait lasts forever (deadlock-free), and what the bodies hold is at most the budget, plus, while the budget is
/// held only by bodies waiting to grow, one body up to <see cref="ProxyOptions.MaxRequestBodyBytes"/>: the same
/// exception as a body with a length larger than the whole budget, which runs alone.
/// </para>
/// </remarks>
internal sealed class RequestBodyBudget
{
    /// <summary>How far Kestrel reads a body the proxy is not reading yet (its default is 1 MiB per connection).</summary>
    public const int KestrelReadAhead = 64 * 1024;

    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    // Oldest lease first (rule 1).
    private readonly LinkedList<Waiter> _growers = new();
    private long _available;
    private long _heldByGrowers;
    private long _nextSequence;

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

    /// <summary>Bytes held by requests now; above <see cref="Capacity"/> only while one growing body is past it (rule 2).</summary>
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

    /// <summary>Requests waiting for bytes, to start or to grow.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count + _growers.Count;
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
            if (_waiters.Count == 0 && _growers.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                return ValueTask.FromResult(new RequestBodyLease(this, bytes, _nextSequence++));
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(this, lease: null, bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Adds <paramref name="bytes"/> to <paramref name="lease"/>, at once when they are free, else by the growth rules above.</summary>
    internal ValueTask GrowAsync(RequestBodyLease lease, long bytes, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _growers.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                lease.Bytes += bytes;
                return ValueTask.CompletedTask;
            }

            cancellationToken.ThrowIfCancellationRequested();
            waiter = new Waiter(this, lease, bytes);
            var after = _growers.Last;
            while (after is not null && after.Value.Lease!.Sequence > lease.Sequence)
            {
                after = after.Previous;
            }

            waiter.Node = after is null ? _growers.AddFirst(waiter) : _growers.AddAfter(after, waiter);
            _heldByGrowers += lease.Bytes;
        }

        // Another body starting to wait may be what leaves only growers holding bytes (rule 2).
        Release(0);
        return new ValueTask(WaitAsync(waiter, cancellationToken).AsTask());
    }

    private async ValueTask<RequestBodyLease> WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(static state => ((Waiter)state!).Cancel(), waiter))
        {
            return await waiter.Granted.Task;
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

            waiter.Node.List.Remove(waiter.Node);
            if (waiter.Lease is { } lease)
            {
                _heldByGrowers -= lease.Bytes;
            }
        }

        waiter.Granted.TrySetCanceled();
        // The head may have been the one blocking smaller requests behind it.
        Release(0);
    }

    /// <summary>Gives bytes back and lets waiters through: growing bodies first (rule 1), then new requests in arrival order.</summary>
    internal void Release(long bytes)
    {
        List<(Waiter Waiter, RequestBodyLease Lease)>? granted = null;
        lock (_gate)
        {
            _available += bytes;
            while (_growers.First is { } oldest)
            {
                var grower = oldest.Value;
                var lease = grower.Lease!;
                // Rule 2: nothing outside the growers will ever come back.
                var onlyGrowersHold = Capacity - _available == _heldByGrowers;
                if (_available < grower.Bytes && !onlyGrowersHold)
                {
                    break;
                }

                _available -= grower.Bytes;
                _heldByGrowers -= lease.Bytes;
                lease.Bytes += grower.Bytes;
                _growers.RemoveFirst();
                (granted ??= []).Add((grower, lease));
            }

            while (_growers.Count == 0 && _waiters.First is { } head && head.Value.Bytes <= _available)
            {
                _available -= head.Value.Bytes;
                _waiters.RemoveFirst();
                (granted ??= []).Add((head.Value, new RequestBodyLease(this, head.Value.Bytes, _nextSequence++)));
            }
        }

        if (granted is null)
        {
            return;
        }

        foreach (var (waiter, lease) in granted)
        {
            if (!waiter.Granted.TrySetResult(lease))
            {
                // Cancelled between leaving the queue and here: give the bytes back.
                if (waiter.Lease is null)
                {
                    Release(lease.Bytes);
                }
                else
                {
                    lease.Shrink(waiter.Bytes);
                }
            }
        }
    }

    private sealed class Waiter(RequestBodyBudget owner, RequestBodyLease? lease, long bytes)
    {
        /// <summary>The lease that grows, or null for a new acquisition.</summary>
        public RequestBodyLease? Lease { get; } = lease;

        public long Bytes { get; } = bytes;

        public TaskCompletionSource<RequestBodyLease> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Cancel() => owner.Cancel(this);
    }
}
