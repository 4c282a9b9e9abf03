using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Tests.History;
using SkiaSharp;

namespace OpsBot.Tests.Charts;

/// <summary>A history database with the realistic day (or week) in it, and the chart service over it.</summary>
public sealed class ChartTestKit : IAsyncDisposable
{
    public static readonly DateTimeOffset End = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    private ChartTestKit(FakeTimeProvider time, ChartOptions? options)
    {
        Time = time;
        Database = TestDatabase.Open(_dir.File("opsbot.db"), time);
        Series = new HistorySeriesService(Database, time);
        Charts = new ChartService(Series, Options.Create(options ?? new ChartOptions()), time, NullLogger<ChartService>.Instance);
    }

    public FakeTimeProvider Time { get; }

    public HistoryDatabase Database { get; }

    public HistorySeriesService Series { get; }

    internal ChartService Charts { get; }

    public IReadOnlyList<TrafficMinute> Traffic { get; private set; } = [];

    /// <summary>
    /// History empty, or filled with <see cref="RealisticHistory"/> over <paramref name="span"/> up to <see cref="End"/>;
    /// the clock at <paramref name="now"/> (default <see cref="End"/>).
    /// </summary>
    public static async Task<ChartTestKit> CreateAsync(TimeSpan? span = null, ChartOptions? options = null, DateTimeOffset? now = null)
    {
        var kit = new ChartTestKit(new FakeTimeProvider(now ?? End), options);
        if (span is { } filled)
        {
            (kit.Traffic, _) = await RealisticHistory.WriteAsync(kit.Database, End, filled);
        }

        return kit;
    }

    public async ValueTask DisposeAsync()
    {
        Charts.Dispose();
        await Database.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Decodes a PNG the way any viewer would (Skia's codec), failing the test when it is not one.</summary>
    public static SKBitmap Decode(byte[] png)
    {
        using var codec = SKCodec.Create(new MemoryStream(png));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        return Assert.IsType<SKBitmap>(SKBitmap.Decode(png));
    }
}
