using System.Diagnostics;
using Microsoft.Extensions.Options;
using OpsBot.History;

namespace OpsBot.Charts;

/// <summary>
/// Reads the series (<see cref="IHistorySeriesService"/>), builds the model and renders it on the thread pool, one chart
/// at a time: drawing is CPU work of a few hundred milliseconds that must neither run on a caller's thread (the Discord
/// gateway, the admin endpoint) nor take more than one of the cores the proxy serves from.
/// </summary>
internal sealed partial class ChartService(IHistorySeriesService history, IOptions<ChartOptions> options, TimeProvider time, ILogger<ChartService> logger) : IChartService, IDisposable
{
    private readonly IHistorySeriesService _history = history;
    private readonly IOptions<ChartOptions> _options = options;
    private readonly TimeProvider _time = time;
    private readonly ILogger<ChartService> _logger = logger;
    private readonly SemaphoreSlim _rendering = new(1, 1);

    public async Task<ChartImage> RenderAsync(ChartRange range, ChartSize? size = null, DateTimeOffset? end = null, CancellationToken cancellationToken = default)
    {
        var chartSize = size ?? _options.Value.Size;
        if (chartSize.Problem() is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(size), chartSize, problem);
        }

        var to = end ?? StartOfMinute(_time.GetUtcNow());
        var series = await _history.GetSeriesAsync(to - range.Span, to, range.Step, cancellationToken);
        var model = ChartModelBuilder.Build(series, range);
        await _rendering.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var png = await Task.Run(() => ChartRenderer.RenderPng(model, chartSize), cancellationToken);
            LogRendered(_logger, range.Name, chartSize.ToString(), png.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new ChartImage(png, chartSize, model, series.Health);
        }
        finally
        {
            _rendering.Release();
        }
    }

    public void Dispose() => _rendering.Dispose();

    private static DateTimeOffset StartOfMinute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    [LoggerMessage(EventId = OpsBotEventIds.ChartServiceRendered, Level = LogLevel.Debug, Message = "Chart {Range} {Size} drawn: {Bytes} bytes in {Milliseconds:0} ms")]
    private static partial void LogRendered(ILogger logger, string range, string size, int bytes, double milliseconds);
}
