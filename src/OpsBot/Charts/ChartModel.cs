namespace OpsBot.Charts;

/// <summary>
/// Everything a chart shows, as data: built from history by <see cref="ChartModelBuilder"/>, drawn as it is by
/// <see cref="ChartRenderer"/>, so what was plotted can be checked against history without reading pixels.
/// </summary>
/// <param name="Starts">Each interval's start (UTC): the x of every series' value at the same index.</param>
/// <param name="NoData">Why there is nothing to plot (the chart then says so instead of drawing empty panels), or null.</param>
public sealed record ChartModel(
    string Title,
    string Subtitle,
    ChartRange Range,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<DateTimeOffset> Starts,
    IReadOnlyList<ChartPanel> Panels,
    string? NoData)
{
    public ChartPanel Panel(string title) => Panels.Single(p => p.Title.StartsWith(title, StringComparison.Ordinal));
}

/// <summary>One stacked panel: its title (with the figure that matters, e.g. the total), its scale and its series.</summary>
/// <param name="EmptyNote">Shown across the panel when none of its series has a value, or null.</param>
public sealed record ChartPanel(string Title, ChartScale Scale, IReadOnlyList<ChartSeries> Series, string? EmptyNote = null)
{
    public ChartSeries this[string label] => Series.Single(s => s.Label == label);
}

/// <summary>One series of a panel; a null value is an interval without data (no bar, a gap in a line).</summary>
/// <param name="Color">0xRRGGBB.</param>
public sealed record ChartSeries(string Label, ChartMark Mark, uint Color, IReadOnlyList<double?> Values);

public enum ChartMark
{
    /// <summary>Bars side by side with the panel's other bar series, one group per interval.</summary>
    Bars,
    Line,
    DashedLine,
}

public enum ChartScale
{
    /// <summary>From zero, whole numbers (counts).</summary>
    Count,

    /// <summary>Seconds on a logarithmic axis: a median of 300 ms and a p95 of 40 s are both readable.</summary>
    LogSeconds,

    /// <summary>0 to 100.</summary>
    Percent,
}
