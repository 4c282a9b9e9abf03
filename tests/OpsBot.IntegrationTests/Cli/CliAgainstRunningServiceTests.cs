using System.Net.Http.Json;
using OpsBot.VllmSimulator;

namespace OpsBot.IntegrationTests.Cli;

/// <summary>
/// The CLI twin as a separate process next to the real running service: it shows the service's proxy log and
/// history through the admin socket, and says in one line when it has to probe directly because no service runs.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliAgainstRunningServiceTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = System.IO.Directory.CreateTempSubdirectory("opsbot-cli-");
    private VllmSimulatorServer _vllm = null!;
    private OpsBotServiceProcess _service = null!;

    public async Task InitializeAsync()
    {
        _vllm = await VllmSimulatorServer.StartAsync();
        _service = new OpsBotServiceProcess(_dir.FullName, _vllm.BaseUrl);
        await _service.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _vllm.DisposeAsync();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Logs_proxy_in_another_process_prints_the_service_proxy_lines()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_service.Port}") };
        using var answer = await client.PostAsJsonAsync("/v1/chat/completions", new { model = _vllm.ModelName, messages = new[] { new { role = "user", content = "ping" } } });
        answer.EnsureSuccessStatusCode();
        // The completion line is logged as the answer ends: wait for the service's own console to show it.
        Assert.True(await _service.WaitForOutputAsync("completion model=", TimeSpan.FromSeconds(10)), _service.Output);

        var (exit, stdout, stderr) = await _service.CliAsync("logs", "proxy", "-n", "5");

        Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
        Assert.Equal("", stderr);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^Last [1-5] of 5 requested lines of the proxy log:$", lines[0]);
        Assert.InRange(lines.Length - 1, 1, 5);
        Assert.Contains(lines, l => l.Contains("completion model=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task History_is_the_database_the_service_writes_before_and_after_it_stops()
    {
        var (smokeExit, smoke, smokeError) = await _service.CliAsync("smoke", "proxy");
        Assert.True(smokeExit == 0, $"exit {smokeExit}: {smokeError}{smoke}");
        Assert.Equal("", smokeError);
        Assert.Contains("Smoke tests: 1 of 1 passed", smoke);

        var (historyExit, history, historyError) = await _service.CliAsync("history", "smoke");
        Assert.True(historyExit == 0, $"exit {historyExit}: {historyError}{history}");
        Assert.Equal("", historyError);
        Assert.Contains("PASS proxy direct by cli:", history);

        Assert.Equal(0, await _service.StopAsync());
        Assert.False(File.Exists(_service.SocketPath));

        var (afterExit, after, afterError) = await _service.CliAsync("history", "smoke");
        Assert.True(afterExit == 0, $"exit {afterExit}: {afterError}{after}");
        Assert.StartsWith("opsbot: service not running: probing directly", afterError);
        Assert.Single(afterError.TrimEnd('\n').Split('\n'), l => !l.StartsWith("  ", StringComparison.Ordinal));
        Assert.Contains("PASS proxy direct by cli:", after);

        var (logsExit, logs, _) = await _service.CliAsync("logs", "proxy");
        Assert.Equal(1, logsExit);
        Assert.Contains("the proxy log is kept in the running service's memory", logs.Replace("\n  ", " "));
    }

    [Fact]
    public async Task Chart_in_another_process_writes_the_service_chart_then_draws_its_own_once_the_service_stops()
    {
        var work = Directory.CreateDirectory(Path.Combine(_dir.FullName, "work")).FullName;

        var (exit, stdout, stderr) = await _service.CliInAsync(work, "chart", "--since", "1h", "--size", "800x600");

        Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
        Assert.Equal("", stderr);
        Assert.StartsWith("Chart of the last hour (800x600, ", stdout);
        AssertPng(Path.Combine(work, "opsbot-chart-1h.png"), 800, 600);

        Assert.Equal(0, await _service.StopAsync());
        var (afterExit, after, afterError) = await _service.CliInAsync(work, "chart", "-o", "day.png");

        Assert.True(afterExit == 0, $"exit {afterExit}: {afterError}{after}");
        Assert.StartsWith("opsbot: service not running: probing directly", afterError);
        Assert.StartsWith("Chart of the last 24 h (1200x900, ", after);
        AssertPng(Path.Combine(work, "day.png"), 1200, 900);

        var (refusedExit, refused, refusedError) = await _service.CliInAsync(work, "chart", "-o", "/dev/null");
        Assert.Equal(1, refusedExit);
        Assert.Equal("", refused);
        Assert.StartsWith("opsbot: chart: /dev/null is not a regular file", refusedError);
    }

    /// <summary>A PNG as any decoder reads it: signature, then IHDR with the size.</summary>
    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        Assert.Equal((width, height), (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));
        // The whole stream decodes (every chunk, the compressed pixels): Skia's codec, as an image viewer would.
        using var bitmap = SkiaSharp.SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
    }

    [Fact]
    public void The_socket_and_the_database_are_private_to_the_service_user()
    {
        const UnixFileMode Rw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(Rw, File.GetUnixFileMode(_service.SocketPath));
        Assert.Equal(Rw | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(_service.SocketPath)!));
        Assert.Equal(Rw, File.GetUnixFileMode(_service.DatabasePath));
        Assert.Equal(Rw | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(_service.DatabasePath)!));
    }

    [Fact]
    public async Task Status_asks_the_service_and_fits_80_columns()
    {
        var (exit, stdout, stderr) = await _service.CliAsync("status");

        Assert.Equal("", stderr);
        Assert.True(exit is 0 or 1, $"exit {exit}: {stdout}");
        // The service's own listener, not a probe from outside: only the service knows its uptime and counters.
        Assert.Contains("Proxy: ", stdout);
        Assert.Contains($"listening on port {_service.Port}", stdout);
        Assert.All(stdout.Split('\n'), l => Assert.True(l.Length <= 80, l));
        Assert.DoesNotContain('\e', stdout);
    }

    [Theory]
    [InlineData(64, "opsbot: logs: lines must be 1–500 (got 9999)", "logs", "proxy", "-n", "9999")]
    [InlineData(64, "opsbot: unknown command 'stauts'", "stauts")]
    [InlineData(2, "opsbot: invalid configuration: --port (Proxy:Port) needs a value", "--port")]
    [InlineData(2, "opsbot: invalid configuration: unknown flag --verbose", "--verbose")]
    public async Task The_binary_reports_command_line_mistakes_on_stderr_with_its_exit_code(int code, string message, params string[] args)
    {
        var (exit, stdout, stderr) = await _service.CliAsync(args);

        Assert.Equal(code, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
