namespace OpsBot.Charts;

/// <summary>Charts (section <c>Charts</c>): the size drawn when a request does not name one.</summary>
public sealed class ChartOptions
{
    public const string SectionName = "Charts";

    public int Width { get; set; } = ChartSize.Default.Width;

    public int Height { get; set; } = ChartSize.Default.Height;

    public ChartSize Size => new(Width, Height);
}
