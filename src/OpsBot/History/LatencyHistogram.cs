namespace OpsBot.History;

/// <summary>
/// Counts of durations per <see cref="LatencyBuckets"/> bucket. Histograms of any minutes merge by adding counts, so
/// the percentiles of an hour, a day or a week are exact to bucket resolution, not averages of per-minute percentiles.
/// Not thread-safe.
/// </summary>
/// <remarks>
/// Stored as a BLOB of (bucket index byte, count as unsigned LEB128) pairs for the non-empty buckets, ascending: a
/// minute with a handful of requests takes a few bytes.
/// </remarks>
public sealed class LatencyHistogram : IEquatable<LatencyHistogram>
{
    private readonly long[] _counts = new long[LatencyBuckets.Count];

    /// <summary>How many durations were recorded.</summary>
    public long Count { get; private set; }

    public void Add(TimeSpan duration) => AddCount(LatencyBuckets.IndexOf(duration.TotalMilliseconds), 1);

    public void Merge(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>
    /// Adds a stored histogram (<see cref="Encode"/>'s format). False, and nothing added, when the bytes are not one:
    /// a damaged row costs its own minute, never the query.
    /// </summary>
    public bool TryMergeEncoded(ReadOnlySpan<byte> encoded)
    {
        Span<long> added = stackalloc long[LatencyBuckets.Count];
        var previous = -1;
        var position = 0;
        while (position < encoded.Length)
        {
            int index = encoded[position++];
            if (index <= previous || index >= LatencyBuckets.Count || !TryReadVarint(encoded, ref position, out var count) || count == 0)
            {
                return false;
            }

            added[index] = count;
            previous = index;
        }

        for (var i = 0; i < added.Length; i++)
        {
            if (added[i] != 0)
            {
                AddCount(i, added[i]);
            }
        }

        return true;
    }

    /// <summary>The stored form, or null when nothing was recorded (the column stays NULL).</summary>
    public byte[]? Encode()
    {
        if (Count == 0)
        {
            return null;
        }

        var buffer = new List<byte>();
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] == 0)
            {
                continue;
            }

            buffer.Add((byte)i);
            for (var value = (ulong)_counts[i]; ; value >>= 7)
            {
                if (value < 0x80)
                {
                    buffer.Add((byte)value);
                    break;
                }

                buffer.Add((byte)(value | 0x80));
            }
        }

        return [.. buffer];
    }

    /// <summary>
    /// The nearest-rank percentile (the smallest recorded duration that at least <paramref name="quantile"/> of them do
    /// not exceed), reported as its bucket's <see cref="LatencyBuckets.RepresentativeMs"/>; null when empty.
    /// </summary>
    /// <param name="quantile">0.5 for the median, 0.95 for p95; in (0, 1].</param>
    public TimeSpan? Percentile(double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        if (Count == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return TimeSpan.FromMilliseconds(LatencyBuckets.RepresentativeMs(i));
            }
        }

        throw new InvalidOperationException("bucket counts do not add up to Count");
    }

    public bool Equals(LatencyHistogram? other) =>
        other is not null && Count == other.Count && _counts.AsSpan().SequenceEqual(other._counts);

    public override bool Equals(object? obj) => Equals(obj as LatencyHistogram);

    public override int GetHashCode() => HashCode.Combine(Count, Array.FindIndex(_counts, c => c != 0), Array.FindLastIndex(_counts, c => c != 0));

    private void AddCount(int index, long count)
    {
        _counts[index] += count;
        Count += count;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int position, out long value)
    {
        value = 0;
        for (var shift = 0; shift < 63 && position < bytes.Length; shift += 7)
        {
            var b = bytes[position++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value >= 0;
            }
        }

        return false;
    }
}
