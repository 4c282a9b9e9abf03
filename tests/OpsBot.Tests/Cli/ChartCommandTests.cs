using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpsBot.Admin;
using OpsBot.Charts;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Tests.Charts;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Cli;

/// <summary><c>opsbot chart</c> with no service running: drawn from the history file directly, as the other verbs do.</summary>
public sealed class ChartCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Database => _dir.File("opsbot.db");

    private ServiceProvider Services(Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["History:DatabasePath"] = Database,
            ["History:BusyTimeout"] = "00:00:01",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCharts(configuration);
        services.AddOpsOperations();
        // Nothing listens here: the verb draws the chart itself.
        services.AddSingleton(new AdminClient(_dir.File("admin.sock")));
        return services.BuildServiceProvider();
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunWithSettingsAsync(null, args);

    private async Task<(int Exit, string Output, string Error)> RunWithSettingsAsync(Dictionary<string, string?>? settings, params string[] args)
    {
        await using var services = Services(settings);
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await new CliApp(new CliConsole(output, error), _ => services).RunAsync(new OpsBotCommandLine().Parse(args), CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<IReadOnlyList<TrafficMinute>> SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var database = TestDatabase.Open(Database, TimeProvider.System);
        var (traffic, _) = await RealisticHistory.WriteAsync(database, new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero), TimeSpan.FromHours(24));
        return traffic;
    }

    [Fact]
    public async Task Chart_draws_the_history_file_into_the_png_asked_for()
    {
        await SeedAsync();
        var path = _dir.File("day.png");

        var (exit, output, error) = await RunAsync("chart", "--since", "24h", "-o", path, "--size", "800x600");

        Assert.True(exit == 0, error + output);
        Assert.Matches($@"^Chart of the last 24 h \(800x600, \d+ KiB\) written to {System.Text.RegularExpressions.Regex.Escape(path)}\n$", output.Replace("\n  ", " "));
        Assert.Equal($"opsbot: service not running: probing directly (no socket at {_dir.File("admin.sock")})", error.TrimEnd().Replace("\n  ", " "));
        using var bitmap = ChartTestKit.Decode(await File.ReadAllBytesAsync(path));
        Assert.Equal((800, 600), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task An_empty_history_still_writes_a_chart_that_says_there_is_no_data()
    {
        var path = _dir.File("hour.png");

        var (exit, output, _) = await RunAsync("chart", "--since", "1h", "-o", path);

        Assert.Equal(0, exit);
        Assert.Contains("No data for the last hour: no proxy request and no vLLM sample was recorded.", output.Replace("\n  ", " "));
        using var bitmap = ChartTestKit.Decode(await File.ReadAllBytesAsync(path));
        Assert.Equal((1200, 900), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public async Task Unreadable_history_writes_the_chart_saying_so_and_exits_1()
    {
        await File.WriteAllTextAsync(Database, string.Concat(Enumerable.Repeat("not a database ", 400)));
        var path = _dir.File("week.png");

        var (exit, output, _) = await RunAsync("chart", "--since", "7d", "-o", path);

        Assert.Equal(CliApp.ExitFailed, exit);
        Assert.Contains("history is unavailable", output.Replace("\n  ", " "));
        ChartTestKit.Decode(await File.ReadAllBytesAsync(path)).Dispose();
    }

    [Fact]
    public async Task An_existing_regular_file_is_replaced_whole()
    {
        var path = _dir.File("chart.png");
        await File.WriteAllTextAsync(path, new string('x', 500_000));

        var (exit, _, _) = await RunAsync("chart", "-o", path);

        Assert.Equal(0, exit);
        ChartTestKit.Decode(await File.ReadAllBytesAsync(path)).Dispose();
        Assert.Single(Directory.GetFiles(_dir.Path, "*chart.png*"));
    }

    [Fact]
    public async Task A_directory_a_pipe_a_device_or_a_symlink_is_never_replaced()
    {
        var target = _dir.File("target.png");
        await File.WriteAllTextAsync(target, "keep me");
        var link = _dir.File("link.png");
        File.CreateSymbolicLink(link, target);
        var fifo = _dir.File("fifo.png");
        Assert.Equal(0, mkfifo(fifo, 0x180));

        foreach (var (path, problem) in new[]
        {
            (_dir.Path, $"{_dir.Path} is a directory: give a file name, e.g. -o {Path.Combine(_dir.Path, "chart.png")}"),
            (link, $"{link} is not a regular file (a device, pipe, socket or symbolic link): not replacing it"),
            (fifo, $"{fifo} is not a regular file (a device, pipe, socket or symbolic link): not replacing it"),
            ("/dev/null", "/dev/null is not a regular file (a device, pipe, socket or symbolic link): not replacing it"),
            (_dir.File("missing/chart.png"), $"{_dir.File("missing")} does not exist"),
        })
        {
            var (exit, output, error) = await RunAsync("chart", "-o", path);

            Assert.Equal(CliApp.ExitFailed, exit);
            Assert.Equal("", output);
            Assert.Equal($"opsbot: chart: {problem}", error.TrimEnd().Replace("\n  ", " "));
        }

        Assert.Equal("keep me", await File.ReadAllTextAsync(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(Database), "history was read although the output was refused");
    }

    [Theory]
    [InlineData("opsbot: chart: since must be 1h, 24h or 7d (got '2d')", "chart", "--since", "2d")]
    [InlineData("opsbot: chart: size must be 320–4096 wide and 240–4096 high (got 10x10)", "chart", "--size", "10x10")]
    [InlineData("opsbot: chart: size must be WIDTHxHEIGHT in pixels, e.g. 1200x900 (got 'big')", "chart", "--size", "big")]
    [InlineData("opsbot: chart: -o needs a value", "chart", "-o")]
    [InlineData("opsbot: chart: -o needs a file name", "chart", "-o", "")]
    public async Task Mistakes_exit_64_before_anything_is_drawn(string message, params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Equal("", output);
        Assert.StartsWith(message, error);
        Assert.Contains("Try 'opsbot chart --help'.", error);
    }

    [Fact]
    public async Task Check_config_names_a_wrong_digest_time_or_chart_size()
    {
        var (exit, output, _) = await RunWithSettingsAsync(new() { ["Alerts:Digest:Time"] = "25:99", ["Charts:Width"] = "100" }, "check-config");

        Assert.Equal(CliApp.ExitConfigProblems, exit);
        var text = System.Text.RegularExpressions.Regex.Replace(output, @"\n +", " ");
        Assert.Contains("Alerts:Digest:Time must be HH:mm on a 24-hour clock, e.g. 08:00 (got '25:99').", text);
        Assert.Contains("Charts:Width and Charts:Height: size must be 320–4096 wide and 240–4096 high (got 100x900).", text);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);
}
