using System.Numerics;
using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy.RequestBodies;

/// <summary>
/// Buffers for request bodies, kept for reuse up to <see cref="ProxyOptions.MaxBufferedRequestBytes"/> in total.
/// <c>ArrayPool&lt;byte&gt;.Shared</c> keeps a 1 MiB array per thread plus 32 per core, so under load it held
/// several times the bodies actually in flight (measured: 80 MiB more peak RSS at 64 clients with 1 MiB bodies);
/// here what is kept never exceeds what the budget lets in at once.
/// </summary>
/// <remarks>
/// Only buffers up to <see cref="MaxRetainedLength"/> are kept: a full 256 K-token context is about 1 MB, and a rare
/// larger body should not pin its buffer for the life of the process. Buffers that are let go sit in the GC's large
/// object heap, which nothing collects while the proxy is quiet (the GC runs on allocation), so after a burst of
/// large or hostile bodies RSS stayed hundreds of MiB up (measured 320 MiB, 30 s after 12 chunked 70 MB uploads).
/// So the pool asks for a collection: a full one each time it has let go a quarter of what it could keep, and, once
/// <see cref="ReclaimDelay"/> passed without a large buffer let go (the burst is over), it empties itself and asks for a
/// compacting one that returns the memory to the system. Ordinary traffic reuses its buffers and never triggers either.
/// </remarks>
internal sealed class RequestBufferPool : IDisposable
{
    /// <summary>The largest buffer kept for reuse.</summary>
    public const int MaxRetainedLength = 1024 * 1024;

    /// <summary>Quiet time after the last large buffer was let go before memory is given back to the system.</summary>
    public static readonly TimeSpan ReclaimDelay = TimeSpan.FromSeconds(2);

    private const int MinimumLength = 4096;

    // Arrays from this size on live in the large object heap.
    private const int LargeObjectLength = 85_000;

    private readonly Stack<byte[]>[] _buckets = new Stack<byte[]>[32];
    private readonly long _retainLimit;
    private readonly Action<bool> _collect;
    private readonly ITimer? _reclaim;
    private long _retained;
    private long _dropped;

    public RequestBufferPool(IOptions<ProxyOptions> options, TimeProvider time)
        : this(options.Value.MaxBufferedRequestBytes, time, Collect)
    {
    }

    /// <param name="collect">Runs a collection; the argument says whether the proxy is quiet (compact and give memory back) or busy (collect, no compaction).</param>
    internal RequestBufferPool(long retainLimit, TimeProvider? time = null, Action<bool>? collect = null)
    {
        _retainLimit = retainLimit;
        _collect = collect ?? (_ => { });
        _reclaim = time?.CreateTimer(static state => ((RequestBufferPool)state!).Reclaim(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Stack<byte[]>();
        }
    }

    /// <summary>Bytes held for reuse now.</summary>
    public long Retained => Interlocked.Read(ref _retained);

    /// <summary>
    /// The length of the array <see cref="Rent"/> hands out for <paramref name="length"/> bytes: a power of two up to
    /// <see cref="MaxRetainedLength"/> (a size class to reuse), the exact length beyond (never kept, so never rounded).
    /// </summary>
    public static int SizeFor(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return length > MaxRetainedLength ? length : (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, MinimumLength));
    }

    /// <summary>An array of <see cref="SizeFor"/>(<paramref name="length"/>) bytes; contents are not cleared.</summary>
    public byte[] Rent(int length)
    {
        var size = SizeFor(length);
        if (size > MaxRetainedLength)
        {
            return GC.AllocateUninitializedArray<byte>(size);
        }

        var bucket = _buckets[BitOperations.Log2((uint)size)];
        lock (bucket)
        {
            if (bucket.TryPop(out var array))
            {
                Interlocked.Add(ref _retained, -array.Length);
                return array;
            }
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    public void Return(byte[] array)
    {
        if (array.Length > MaxRetainedLength || !BitOperations.IsPow2(array.Length) || array.Length < MinimumLength)
        {
            LetGo(array.Length);
            return;
        }

        if (Interlocked.Add(ref _retained, array.Length) > _retainLimit)
        {
            // Over the limit: let the GC have it.
            Interlocked.Add(ref _retained, -array.Length);
            LetGo(array.Length);
            return;
        }

        var bucket = _buckets[BitOperations.Log2((uint)array.Length)];
        lock (bucket)
        {
            bucket.Push(array);
        }
    }

    public void Dispose() => _reclaim?.Dispose();

    private void LetGo(int length)
    {
        if (length < LargeObjectLength || _reclaim is null)
        {
            return;
        }

        _reclaim.Change(ReclaimDelay, Timeout.InfiniteTimeSpan);
        // A quarter of what the pool may keep: garbage waiting for the GC is memory the budget does not see.
        if (Interlocked.Add(ref _dropped, length) >= _retainLimit / 4)
        {
            Interlocked.Exchange(ref _dropped, 0);
            ThreadPool.UnsafeQueueUserWorkItem(static collect => collect(false), _collect, preferLocal: false);
        }
    }

    /// <summary>The burst is over: what it left in the pool goes too (ordinary traffic refills it with one buffer per size it uses), then the memory.</summary>
    private void Reclaim()
    {
        foreach (var bucket in _buckets)
        {
            lock (bucket)
            {
                while (bucket.TryPop(out var array))
                {
                    Interlocked.Add(ref _retained, -array.Length);
                }
            }
        }

        _collect(true);
    }

    private static void Collect(bool quiet)
    {
        if (quiet)
        {
            // No large buffer was let go for a while, the burst is over: compact and return the freed regions to the system.
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        else
        {
            // Blocking but not compacting: a few milliseconds with the proxy's small heap, and the large buffers let go
            // are free for the next ones at once instead of piling up behind a background collection.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
    }
}
