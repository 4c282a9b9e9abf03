using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpsBot.History;

namespace OpsBot.Tests.History;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Quantiles = [0.01, 0.5, 0.9, 0.95, 0.99, 1.0];

    [Fact]
    public void Bounds_are_25_per_decade_from_a_tenth_of_a_millisecond_with_exact_decades()
    {
        Assert.Equal(201, LatencyBuckets.BoundsMs.Length);
        Assert.Equal(202, LatencyBuckets.Count);
        Assert.Equal(0.1, LatencyBuckets.BoundsMs[0]);
        Assert.Equal(1.0, LatencyBuckets.BoundsMs[25]);
        Assert.Equal(1000.0, LatencyBuckets.BoundsMs[100]);
        Assert.Equal(10_000_000.0, LatencyBuckets.BoundsMs[^1]);
        Assert.All(LatencyBuckets.BoundsMs.Zip(LatencyBuckets.BoundsMs.Skip(1)), pair => Assert.Equal(Math.Pow(10, 1 / 25.0), pair.Second / pair.First, 9));
    }

    [Theory]
    [InlineData(-5.0, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(0.0, 0)]
    [InlineData(0.0999, 0)]
    [InlineData(0.1, 1)]
    [InlineData(1.0, 26)]
    [InlineData(0.9999, 25)]
    [InlineData(1000.0, 101)]
    [InlineData(10_000_000.0, 201)]
    [InlineData(double.PositiveInfinity, 201)]
    public void A_value_on_a_bound_belongs_to_the_bucket_that_starts_there(double milliseconds, int bucket)
    {
        var index = LatencyBuckets.IndexOf(milliseconds);

        Assert.Equal(bucket, index);
        if (double.IsFinite(milliseconds) && milliseconds >= 0)
        {
            Assert.InRange(milliseconds, LatencyBuckets.LowerMs(index), LatencyBuckets.UpperMs(index));
            Assert.NotEqual(milliseconds, LatencyBuckets.UpperMs(index));
        }
    }

    [Fact]
    public void Every_representative_value_lies_in_its_own_bucket()
    {
        for (var i = 0; i < LatencyBuckets.Count; i++)
        {
            Assert.Equal(i, LatencyBuckets.IndexOf(LatencyBuckets.RepresentativeMs(i)));
        }
    }

    [Fact]
    public void Encoding_keeps_only_the_non_empty_buckets_and_round_trips()
    {
        var histogram = new LatencyHistogram();
        foreach (var ms in new[] { 0.02, 1.0, 1.0, 250.0, 3_000.0, 3_000.0, 3_000.0, 1e9 })
        {
            histogram.Add(TimeSpan.FromMilliseconds(ms));
        }

        for (var i = 0; i < 300; i++)
        {
            histogram.Add(TimeSpan.FromMilliseconds(40));
        }

        var encoded = histogram.Encode()!;
        var decoded = new LatencyHistogram();

        // Six buckets, one byte of index each; counts under 128 take a byte, 300 takes two.
        Assert.Equal((6 * 2) + 1, encoded.Length);
        Assert.True(decoded.TryMergeEncoded(encoded));
        Assert.Equal(histogram, decoded);
        Assert.Equal(308, decoded.Count);
        Assert.Null(new LatencyHistogram().Encode());
    }

    [Theory]
    [InlineData(new byte[] { 5 })]
    [InlineData(new byte[] { 5, 0x80 })]
    [InlineData(new byte[] { 5, 0 })]
    [InlineData(new byte[] { 7, 1, 5, 1 })]
    [InlineData(new byte[] { 250, 1 })]
    [InlineData(new byte[] { 5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void A_damaged_blob_is_refused_and_adds_nothing(byte[] damaged)
    {
        var histogram = new LatencyHistogram();
        histogram.Add(TimeSpan.FromSeconds(1));

        Assert.False(histogram.TryMergeEncoded(damaged));
        Assert.Equal(1, histogram.Count);
    }

    [Fact]
    public void Percentiles_use_nearest_rank()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.Add(TimeSpan.FromMilliseconds(i * 10));
        }

        // The 50th of 100 values is 500 ms, the 95th 950 ms: reported as the middle of their buckets.
        AssertSameBucket(500, histogram.Percentile(0.5)!.Value.TotalMilliseconds);
        AssertSameBucket(950, histogram.Percentile(0.95)!.Value.TotalMilliseconds);
        Assert.Null(new LatencyHistogram().Percentile(0.5));
    }

    /// <summary>
    /// The property the charts rely on: durations spread over minutes, each minute stored and read back, then merged,
    /// give every percentile in the same bucket as the exact percentile of the raw durations, so within one bucket
    /// width of it (and within ±4.7 % of it, the documented resolution).
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Percentiles_of_merged_minutes_are_within_one_bucket_of_the_exact_percentiles() =>
        Prop.ForAll(Samples.ToArbitrary(), samples =>
        {
            var merged = new LatencyHistogram();
            foreach (var minute in samples.GroupBy(s => s.Minute))
            {
                var histogram = new LatencyHistogram();
                foreach (var (ms, _) in minute)
                {
                    histogram.Add(TimeSpan.FromMilliseconds(ms));
                }

                Assert.True(merged.TryMergeEncoded(histogram.Encode()));
            }

            var sorted = samples.Select(s => s.Ms).Order().ToArray();
            foreach (var quantile in Quantiles)
            {
                var exact = sorted[(int)Math.Max(1, Math.Ceiling(quantile * sorted.Length)) - 1];
                var estimate = merged.Percentile(quantile)!.Value.TotalMilliseconds;
                AssertSameBucket(exact, estimate);
                var bucket = LatencyBuckets.IndexOf(exact);
                if (bucket is > 0 and < 201)
                {
                    Assert.True(Math.Abs(estimate - exact) <= LatencyBuckets.UpperMs(bucket) - LatencyBuckets.LowerMs(bucket), $"p{quantile * 100}: {estimate} vs {exact}");
                    Assert.InRange(estimate / exact, 1 / 1.048, 1.048);
                }
            }
        });

    // Durations log-uniform from 0.01 ms to 20 000 s (under, inside and over the table), spread over an hour's minutes.
    // TimeSpan keeps ticks (0.1 µs): the raw values are rounded the way a recorded duration would be.
    private static Gen<(double Ms, int Minute)[]> Samples =>
        Gen.Choose(0, 1_000_000).Select(x => TimeSpan.FromMilliseconds(Math.Pow(10, -2 + (9.3 * x / 1_000_000))).TotalMilliseconds)
            .Zip(Gen.Choose(0, 59))
            .ArrayOf()
            .Where(samples => samples.Length > 0);

    private static void AssertSameBucket(double exact, double estimate) =>
        Assert.True(LatencyBuckets.IndexOf(exact) == LatencyBuckets.IndexOf(estimate), $"estimate {estimate} ms is not in the bucket of {exact} ms");
}
