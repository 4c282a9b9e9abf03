using System.Buffers.Binary;
using OpsBot.Charts;

namespace OpsBot.Cli;

/// <summary>A chart as <c>opsbot chart</c> got it, from the running service or drawn in this process.</summary>
/// <param name="NoData">Why the chart shows no data (it says so itself), or null.</param>
/// <param name="HistoryAvailable">False when history could not be read: the chart is then a "no data" one and the exit code 1.</param>
public sealed record ChartFile(byte[] Png, string? NoData, bool HistoryAvailable)
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static ChartFile From(ChartImage chart) => new(chart.Png, chart.Model.NoData, chart.History.IsAvailable);

    /// <summary>The image's size, from its PNG header (signature, then the IHDR chunk: width, height); null when it is not a PNG.</summary>
    public ChartSize? Size =>
        Png.Length >= 24 && Png.AsSpan(0, 8).SequenceEqual(PngSignature) && Png.AsSpan(12, 4).SequenceEqual("IHDR"u8)
            ? new ChartSize(BinaryPrimitives.ReadInt32BigEndian(Png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(Png.AsSpan(20)))
            : null;
}
