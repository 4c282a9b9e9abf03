using OpsBot.Charts;
using SkiaSharp;

namespace OpsBot.Tests.Charts;

/// <summary>
/// docs/chart-example.png, shown in the README, is what this code draws from <see cref="RealisticHistory"/>: this test
/// checks it still is, and regenerates it when run with <c>OPSBOT_UPDATE_DOCS=1</c>
/// (<c>OPSBOT_UPDATE_DOCS=1 dotnet test tests/OpsBot.Tests --filter ChartExampleTests</c>).
/// </summary>
public sealed class ChartExampleTests
{
    [Fact]
    public async Task The_chart_in_the_docs_is_the_one_the_code_draws_from_the_seeded_history()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        var chart = await kit.Charts.RenderAsync(ChartRange.Day);
        var path = Path.Combine(RepositoryRoot(), "docs", "chart-example.png");
        if (Environment.GetEnvironmentVariable("OPSBOT_UPDATE_DOCS") == "1")
        {
            await File.WriteAllBytesAsync(path, chart.Png);
        }

        using var documented = ChartTestKit.Decode(await File.ReadAllBytesAsync(path));
        using var drawn = ChartTestKit.Decode(chart.Png);
        Assert.Equal((ChartSize.Default.Width, ChartSize.Default.Height), (documented.Width, documented.Height));
        // Anti-aliasing may differ by a shade between machines; a changed chart differs in thousands of pixels.
        var differing = DifferingPixels(documented, drawn);
        Assert.True(differing < documented.Width * documented.Height / 200,
            $"{differing} pixels differ from {path}: regenerate it with OPSBOT_UPDATE_DOCS=1 (see this test's summary)");
    }

    private static int DifferingPixels(SKBitmap a, SKBitmap b)
    {
        var count = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a.GetPixel(x, y), b.GetPixel(x, y));
                count += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue) > 48 ? 1 : 0;
            }
        }

        return count;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpsBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no OpsBot.sln above {AppContext.BaseDirectory}");
    }
}
