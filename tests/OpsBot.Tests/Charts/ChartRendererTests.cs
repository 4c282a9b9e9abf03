using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Tests.History;
using SkiaSharp;

namespace OpsBot.Tests.Charts;

public sealed class ChartRendererTests
{
    [Theory]
    [InlineData("1h")]
    [InlineData("24h")]
    [InlineData("7d")]
    public async Task Every_range_draws_a_PNG_of_the_configured_size(string range)
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(26), new ChartOptions { Width = 1000, Height = 760 });
        Assert.True(ChartRange.TryParse(range, out var chartRange));

        var chart = await kit.Charts.RenderAsync(chartRange);

        using var bitmap = ChartTestKit.Decode(chart.Png);
        Assert.Equal((1000, 760), (bitmap.Width, bitmap.Height));
        Assert.Equal(new ChartSize(1000, 760), chart.Size);
        Assert.Null(chart.Model.NoData);
        Assert.Equal($"opsbot-{range}-20261125-0800Z.png", chart.FileName);
    }

    [Fact]
    public async Task A_requested_size_wins_over_the_configured_one()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(1));

        var chart = await kit.Charts.RenderAsync(ChartRange.Hour, new ChartSize(640, 480));

        using var bitmap = ChartTestKit.Decode(chart.Png);
        Assert.Equal((640, 480), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task An_empty_history_draws_a_no_data_chart_instead_of_throwing()
    {
        await using var kit = await ChartTestKit.CreateAsync();

        var chart = await kit.Charts.RenderAsync(ChartRange.Day);

        using var bitmap = ChartTestKit.Decode(chart.Png);
        Assert.Equal((1200, 900), (bitmap.Width, bitmap.Height));
        Assert.StartsWith("No data for the last 24 h", chart.Model.NoData);
        // Not a blank image: the header and the message are drawn (dark text on white).
        Assert.True(DarkPixels(bitmap) > 1000, "the no-data chart has no text on it");
    }

    [Fact]
    public async Task Unreadable_history_draws_a_chart_that_says_so()
    {
        using var dir = new TempDirectory();
        var path = dir.File("opsbot.db");
        await File.WriteAllTextAsync(path, string.Concat(Enumerable.Repeat("garbage, not SQLite ", 300)));
        var time = TestDatabase.Time();
        await using var database = TestDatabase.Open(path, time);
        using var charts = new ChartService(new HistorySeriesService(database, time), Microsoft.Extensions.Options.Options.Create(new ChartOptions()), time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ChartService>.Instance);

        var chart = await charts.RenderAsync(ChartRange.Hour);

        ChartTestKit.Decode(chart.Png).Dispose();
        Assert.False(chart.History.IsAvailable);
        Assert.StartsWith("No data for the last hour: history is unavailable (not a SQLite database", chart.Model.NoData);
    }

    [Fact]
    public async Task A_window_with_traffic_but_no_vLLM_sample_says_so_on_that_panel()
    {
        await using var kit = await ChartTestKit.CreateAsync();
        var store = new TrafficStore(kit.Database);
        var rollup = new TrafficRollup();
        rollup.Add(new OpsBot.ProxyCore.Events.CompletionEvent
        {
            At = ChartTestKit.End.AddMinutes(-10),
            Model = "m",
            Streamed = true,
            HasTools = true,
            Path = OpsBot.ProxyCore.Events.CompletionPath.Streamed,
            UpstreamStatus = 200,
            Latency = TimeSpan.FromSeconds(3),
            TimeToFirstByte = TimeSpan.FromMilliseconds(400),
            PromptTokens = 10,
            CompletionTokens = 10,
            ToolCalls = 0,
            ToolCallFormat = null,
            ContentLength = 20,
            EmptyAnswer = false,
        });
        await store.AddAsync(rollup.TakeCompleted(null), CancellationToken.None);

        var chart = await kit.Charts.RenderAsync(ChartRange.Hour);

        Assert.Null(chart.Model.NoData);
        Assert.StartsWith("no vLLM sample in this window", chart.Model.Panel("vLLM").EmptyNote);
        Assert.Null(chart.Model.Panel("Response times").EmptyNote);
        ChartTestKit.Decode(chart.Png).Dispose();
    }

    [Theory]
    [InlineData(100, 900)]
    [InlineData(1200, 5000)]
    public async Task A_size_out_of_bounds_is_refused(int width, int height)
    {
        await using var kit = await ChartTestKit.CreateAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => kit.Charts.RenderAsync(ChartRange.Hour, new ChartSize(width, height)));
    }

    [Fact]
    public void Text_is_drawn_with_the_embedded_font_whatever_the_system_has()
    {
        ChartFonts.EnsureRegistered();

        Assert.Equal("DejaVu Sans", ChartFonts.Regular.FamilyName);
        Assert.Equal(SKFontStyleWeight.Bold, (SKFontStyleWeight)ChartFonts.Bold.FontStyle.Weight);
        // ScottPlot resolves the chart's font name to the embedded faces, not to whatever fontconfig would find.
        Assert.Same(ChartFonts.Regular, ScottPlot.Fonts.GetTypeface(ChartFonts.Family, bold: false, italic: false));
        Assert.Same(ChartFonts.Bold, ScottPlot.Fonts.GetTypeface(ChartFonts.Family, bold: true, italic: false));
    }

    [Theory]
    [InlineData("1200x900", 1200, 900)]
    [InlineData("800X600", 800, 600)]
    [InlineData(" 640×480 ", 640, 480)]
    public void Sizes_parse_as_width_x_height(string text, int width, int height)
    {
        Assert.True(ChartSize.TryParse(text, out var size, out var problem), problem);
        Assert.Equal(new ChartSize(width, height), size);
    }

    [Theory]
    [InlineData("1200", "size must be WIDTHxHEIGHT in pixels, e.g. 1200x900 (got '1200')")]
    [InlineData("-5x10", "size must be WIDTHxHEIGHT in pixels, e.g. 1200x900 (got '-5x10')")]
    [InlineData("100x100", "size must be 320–4096 wide and 240–4096 high (got 100x100)")]
    public void Bad_sizes_are_refused_with_the_reason(string text, string expected)
    {
        Assert.False(ChartSize.TryParse(text, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    private static int DarkPixels(SKBitmap bitmap)
    {
        var dark = 0;
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var pixel = bitmap.GetPixel(x, y);
                dark += pixel.Red + pixel.Green + pixel.Blue < 200 ? 1 : 0;
            }
        }

        return dark;
    }
}
