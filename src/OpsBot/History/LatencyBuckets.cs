using System.Collections.Immutable;

namespace OpsBot.History;

/// <summary>
/// The one table of bucket bounds behind every stored duration histogram (request latency and time to first token):
/// 25 log-spaced buckets per decade from 0.1 ms to 10 000 s. Each bucket spans a factor of 10^(1/25) ≈ 1.096, so a
/// percentile read from merged histograms is the geometric middle of the bucket that holds the exact percentile:
/// within ±4.7 % of it, whatever the interval the minutes were merged over.
/// </summary>
/// <remarks>
/// Bucket 0 holds [0, 0.1 ms), bucket <c>i</c> (1–200) holds [<c>Bounds[i-1]</c>, <c>Bounds[i]</c>), bucket 201 holds
/// 10 000 s and longer. Stored histograms are indexes into this table, so it is never edited: a different resolution
/// would be a new column written by a new migration.
/// </remarks>
public static class LatencyBuckets
{
    public const int PerDecade = 25;

    public const double LowestMs = 0.1;

    private const int Decades = 8;

    /// <summary>The bucket bounds in milliseconds, ascending: 0.1 ms, 0.1096 ms, … 10 000 000 ms.</summary>
    // 10^((k - 25) / 25) ms rather than 0.1 × 10^(k / 25): every decade bound (1 ms, 10 ms, 1 s…) is then exact.
    public static ImmutableArray<double> BoundsMs { get; } =
        [.. Enumerable.Range(0, (Decades * PerDecade) + 1).Select(k => Math.Pow(10, (k - PerDecade) / (double)PerDecade))];

    /// <summary>How many buckets: one below the lowest bound, one between each pair, one above the highest.</summary>
    public static int Count => BoundsMs.Length + 1;

    /// <summary>The bucket holding <paramref name="milliseconds"/> (negative and NaN count as 0).</summary>
    public static int IndexOf(double milliseconds)
    {
        if (!(milliseconds >= LowestMs))
        {
            return 0;
        }

        var found = ImmutableArray.BinarySearch(BoundsMs, milliseconds);
        // On a bound exactly, the bucket that starts there; else the bucket below the first larger bound.
        return found >= 0 ? found + 1 : ~found;
    }

    /// <summary>The inclusive lower bound of bucket <paramref name="index"/> in milliseconds.</summary>
    public static double LowerMs(int index) => index == 0 ? 0 : BoundsMs[index - 1];

    /// <summary>The exclusive upper bound of bucket <paramref name="index"/> in milliseconds (infinity for the last).</summary>
    public static double UpperMs(int index) => index < BoundsMs.Length ? BoundsMs[index] : double.PositiveInfinity;

    /// <summary>
    /// The value a percentile falling in bucket <paramref name="index"/> is reported as: its geometric middle, which
    /// halves the worst relative error of either bound (half the lowest bound for bucket 0, the lower bound for the last).
    /// </summary>
    public static double RepresentativeMs(int index) => index switch
    {
        0 => LowestMs / 2,
        _ when index >= BoundsMs.Length => BoundsMs[^1],
        _ => Math.Sqrt(BoundsMs[index - 1] * BoundsMs[index]),
    };
}
