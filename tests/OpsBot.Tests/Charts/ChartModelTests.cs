using OpsBot.Charts;
using OpsBot.History;
using ScottPlot.Plottables;
using static OpsBot.Charts.ChartModelBuilder;

namespace OpsBot.Tests.Charts;

/// <summary>What a chart plots, checked as data against the history rows it was drawn from, not as pixels.</summary>
public sealed class ChartModelTests
{
    [Fact]
    public async Task An_hour_chart_plots_each_stored_minute_as_it_is()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(2));

        var chart = await kit.Charts.RenderAsync(ChartRange.Hour);

        var model = chart.Model;
        var rows = kit.Traffic.Where(r => r.Minute >= ChartTestKit.End.AddHours(-1)).ToDictionary(r => r.Minute);
        Assert.Equal(60, model.Starts.Count);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => ChartTestKit.End.AddMinutes(i - 60)), model.Starts);
        TrafficMinute? Row(int i) => rows.GetValueOrDefault(model.Starts[i]);
        var requests = model.Panel("Requests")[Requests].Values;
        var errors = model.Panel("Errors")[Errors].Values;
        var empty = model.Panel("Errors")[EmptyAnswers].Values;
        var times = model.Panel("Response times");
        for (var i = 0; i < 60; i++)
        {
            var row = Row(i);
            Assert.Equal(row?.Requests ?? 0, requests[i]);
            Assert.Equal(row?.Failed ?? 0, errors[i]);
            Assert.Equal(row?.EmptyAnswers ?? 0, empty[i]);
            Assert.Equal(row?.Latency?.Percentile(0.5)?.TotalSeconds, times[LatencyP50].Values[i]);
            Assert.Equal(row?.Latency?.Percentile(0.95)?.TotalSeconds, times[LatencyP95].Values[i]);
            Assert.Equal(row?.TimeToFirstToken?.Percentile(0.5)?.TotalSeconds, times[FirstTokenP50].Values[i]);
            Assert.Equal(row?.TimeToFirstToken?.Percentile(0.95)?.TotalSeconds, times[FirstTokenP95].Values[i]);
        }

        Assert.Contains($"· {rows.Values.Sum(r => r.Requests):N0} in all", model.Panel("Requests").Title);
        Assert.Null(model.NoData);
    }

    [Fact]
    public async Task A_day_chart_plots_15_minute_sums_and_the_vLLM_means_and_peaks()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        var series = await kit.Series.GetSeriesAsync(ChartTestKit.End.AddDays(-1), ChartTestKit.End, ChartRange.Day.Step, CancellationToken.None);

        var model = ChartModelBuilder.Build(series, ChartRange.Day);

        Assert.Equal(96, model.Starts.Count);
        var requests = model.Panel("Requests")[Requests].Values;
        var kv = model.Panel("vLLM KV-cache");
        for (var i = 0; i < 96; i++)
        {
            var start = model.Starts[i];
            Assert.Equal(kit.Traffic.Where(r => r.Minute >= start && r.Minute < start.AddMinutes(15)).Sum(r => r.Requests), requests[i]);
            Assert.Equal(series.Vllm[i].KvCacheMean * 100, kv[KvCacheMean].Values[i]);
            Assert.Equal(series.Vllm[i].KvCacheMax * 100, kv[KvCachePeak].Values[i]);
        }

        // The seeded outage: no vLLM sample for 25 minutes, so at least one 15-minute point has no KV value (a gap, not a zero).
        Assert.Contains(kv[KvCacheMean].Values, v => v is null);
        Assert.Equal(kit.Traffic.Sum(r => r.Failed), model.Panel("Errors")[Errors].Values.Sum());
    }

    [Fact]
    public async Task The_renderer_plots_exactly_the_model_values()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        var series = await kit.Series.GetSeriesAsync(ChartTestKit.End.AddDays(-1), ChartTestKit.End, ChartRange.Day.Step, CancellationToken.None);
        var model = ChartModelBuilder.Build(series, ChartRange.Day);

        var panels = ChartRenderer.Plan(model, ChartSize.Default);
        try
        {
            Assert.Equal(model.Panels, panels.Select(p => p.Panel));
            foreach (var planned in panels)
            {
                foreach (var expected in planned.Panel.Series)
                {
                    var present = expected.Values.Select((v, i) => (v, i)).Where(p => p.v is { } value && (expected.Mark != ChartMark.Bars || value > 0)).ToList();
                    var plotted = expected.Mark == ChartMark.Bars
                        ? planned.Plot.GetPlottables<BarPlot>().Where(b => b.LegendText == expected.Label).SelectMany(b => b.Bars).Select(b => b.Value).ToList()
                        : planned.Plot.GetPlottables<Scatter>().Where(s => s.LegendText == expected.Label).SelectMany(s => s.Data.GetScatterPoints()).Select(p => p.Y).ToList();
                    var values = present.Select(p => planned.Panel.Scale == ChartScale.LogSeconds ? Math.Log10(p.v!.Value) : p.v!.Value).ToList();
                    Assert.Equal(values, plotted);
                }
            }
        }
        finally
        {
            foreach (var panel in panels)
            {
                panel.Plot.Dispose();
            }
        }
    }

    [Fact]
    public async Task An_empty_history_makes_a_no_data_model_that_names_the_range()
    {
        await using var kit = await ChartTestKit.CreateAsync();
        var series = await kit.Series.GetSeriesAsync(ChartTestKit.End.AddDays(-7), ChartTestKit.End, ChartRange.Week.Step, CancellationToken.None);

        var model = ChartModelBuilder.Build(series, ChartRange.Week);

        Assert.Equal("No data for the last 7 days: no proxy request and no vLLM sample was recorded", model.NoData);
        Assert.Equal(84, model.Starts.Count);
    }
}
