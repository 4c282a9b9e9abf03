using System.Globalization;
using OpsBot.History;

namespace OpsBot.Charts;

/// <summary>A drawn chart: the PNG, its size, the model it was drawn from, and the state of the history it was read from.</summary>
public sealed record ChartImage(byte[] Png, ChartSize Size, ChartModel Model, HistoryHealth History)
{
    public const string ContentType = "image/png";

    /// <summary><c>opsbot-24h-20261125-0800Z.png</c>: the range and the end of the window, in UTC.</summary>
    public string FileName => string.Create(CultureInfo.InvariantCulture, $"opsbot-{Model.Range.Name}-{Model.To.UtcDateTime:yyyyMMdd-HHmm}Z.png");
}
