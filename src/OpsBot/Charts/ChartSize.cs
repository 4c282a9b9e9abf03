using System.Globalization;

namespace OpsBot.Charts;

/// <summary>A chart's size in pixels, <c>WIDTHxHEIGHT</c>.</summary>
public readonly record struct ChartSize(int Width, int Height)
{
    public const int MinWidth = 320;
    public const int MinHeight = 240;
    public const int MaxSide = 4096;

    /// <summary>
    /// Discord shows an attached image up to about 550 px wide on a desktop and the full width of a phone (≈420 points,
    /// 1100-1300 device pixels): 1200×900 is drawn near 1:1 on a phone, with text sized to be read there.
    /// </summary>
    public static ChartSize Default { get; } = new(1200, 900);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");

    /// <summary>The problem with this size, or null when it is within <see cref="MinWidth"/>×<see cref="MinHeight"/> to <see cref="MaxSide"/>².</summary>
    public string? Problem() =>
        Width is < MinWidth or > MaxSide || Height is < MinHeight or > MaxSide
            ? $"size must be {MinWidth}–{MaxSide} wide and {MinHeight}–{MaxSide} high (got {this})"
            : null;

    /// <summary><c>1200x900</c> (also with <c>X</c> or <c>×</c>); false for anything else, or a size out of bounds.</summary>
    public static bool TryParse(string? text, out ChartSize size, out string? problem)
    {
        size = default;
        var parts = (text ?? "").Trim().Split('x', 'X', '×');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            problem = $"size must be WIDTHxHEIGHT in pixels, e.g. {Default} (got '{text}')";
            return false;
        }

        size = new ChartSize(width, height);
        problem = size.Problem();
        return problem is null;
    }
}
