namespace OpsBot.IntegrationTests.FailSafe;

/// <summary>Every configuration mistake in the proxy's own settings, through the real binary: exit 2, the key named, no stack trace.</summary>
public sealed class ConfigurationErrorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opsbot-config-errors-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string[], string?, string> Mistakes => new()
    {
        { ["--port", "abc"], null, "opsbot: invalid configuration: Proxy:Port (--port): 'abc' is not a whole number." },
        { ["--vllm-url", "not-a-url"], null, "opsbot: invalid configuration: Proxy:VllmUrl (--vllm-url) must be an absolute http(s) URL" },
        { ["--Proxy:UpstreamTimeout=banana"], null, "opsbot: invalid configuration: Proxy:UpstreamTimeout (--Proxy:UpstreamTimeout): 'banana' is not a duration" },
        { ["--Proxy:ToolStreaming=bogus"], null, "opsbot: invalid configuration: Proxy:ToolStreaming (--Proxy:ToolStreaming): 'bogus' is not one of buffer, stream." },
        { [], "Proxy__UpstreamTimeout=banana", "opsbot: invalid configuration: Proxy:UpstreamTimeout: 'banana' is not a duration" },
        { [], "Proxy__ToolStreaming=bogus", "opsbot: invalid configuration: Proxy:ToolStreaming: 'bogus' is not one of buffer, stream." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task A_bad_proxy_setting_stops_the_start_with_exit_2_and_one_line_naming_it(string[] flags, string? environment, string expected)
    {
        var env = environment?.Split('=', 2) is [var key, var value] ? new Dictionary<string, string> { [key] = value } : null;

        var (exit, run) = await OpsBotRun.RunToExitAsync(["--host", "127.0.0.1", "--port", "0", .. flags], _dir.FullName, TimeSpan.FromSeconds(60), env);
        await using var _ = run;

        Assert.True(exit == 2, run.Output);
        Assert.StartsWith(expected, run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Unhandled exception", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
        Assert.DoesNotContain("Proxy listening", run.Output);
    }

    [Fact]
    public async Task Check_config_reports_the_same_text_and_exits_2()
    {
        var (exit, run) = await OpsBotRun.RunToExitAsync(["check-config", "--port", "abc"], _dir.FullName, TimeSpan.FromSeconds(60));
        await using var _ = run;

        Assert.True(exit == 2, run.Output);
        Assert.Contains("  - Proxy:Port (--port): 'abc' is not a whole number.", run.Stdout);
        Assert.DoesNotContain("Unhandled exception", run.Output);
    }
}
