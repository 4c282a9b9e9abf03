using OpsBot.Charts;
using OpsBot.Discord;

namespace OpsBot.Wiring;

public static class ChartAttachments
{
    /// <summary>
    /// The chart as a Discord file upload (multipart <c>files[n]</c>): Discord shows an attached PNG inline, full width
    /// on a phone. The alt text is the chart's title and window, for screen readers.
    /// </summary>
    public static DiscordAttachment ToDiscordAttachment(this ChartImage chart) =>
        new(chart.FileName, chart.Png, $"{chart.Model.Title}, {chart.Model.Subtitle}", ChartImage.ContentType);
}
