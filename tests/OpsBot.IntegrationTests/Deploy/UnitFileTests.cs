namespace OpsBot.IntegrationTests.Deploy;

public sealed class UnitFileTests
{
    private static string Unit => File.ReadAllText(RepositoryPaths.UnitFile);

    private static Dictionary<string, List<string>> Settings(string section) =>
        Unit.Split('\n')
            .Select(l => l.Trim())
            .SkipWhile(l => l != $"[{section}]").Skip(1)
            .TakeWhile(l => !l.StartsWith('['))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .Select(l => l.Split('=', 2))
            .GroupBy(kv => kv[0], kv => kv[1])
            .ToDictionary(g => g.Key, g => g.ToList());

    [Fact]
    public async Task Unit_file_passes_systemd_analyze_verify_without_warnings()
    {
        var (exitCode, output) = await SystemdAnalyze.VerifyUserUnitAsync(Unit);

        // systemd-analyze exits 0 on settings it ignores with a warning: any output is a failure too.
        Assert.True(exitCode == 0 && output.Length == 0, $"exit {exitCode}: {output}");
    }

    [Theory]
    [InlineData("Type=notify", "Type=notfiy", "Failed to parse service type")]
    [InlineData("Restart=always", "Restart=sometimes", "Failed to parse service restart specifier")]
    [InlineData("RestartSec=1", "RestartSec=one", "Failed to parse sec value")]
    [InlineData("[Service]", "[Servce]", "Unknown section")]
    [InlineData("ExecStart=%h/.local/opt/opsbot/opsbot", "ExecStart=%h/.local/opt/opsbot/opsbot-missing", "is not executable")]
    public async Task A_broken_unit_file_fails_the_same_check(string good, string broken, string expected)
    {
        Assert.Contains(good, Unit);

        var (exitCode, output) = await SystemdAnalyze.VerifyUserUnitAsync(Unit.Replace(good, broken, StringComparison.Ordinal));

        Assert.False(exitCode == 0 && output.Length == 0, "a broken unit passed verification");
        Assert.Contains(expected, output);
    }

    [Fact]
    public void Unit_file_declares_what_the_deployment_relies_on()
    {
        var service = Settings("Service");
        var install = Settings("Install");

        Assert.Equal(["notify"], service["Type"]);
        Assert.Equal(["always"], service["Restart"]);
        Assert.Equal(["1"], service["RestartSec"]);
        Assert.Equal(["-%h/.config/opsbot/opsbot.env"], service["EnvironmentFile"]);
        // One database for the service and the CLI: not StateDirectory=, which is ~/.config/opsbot before systemd 254.
        Assert.DoesNotContain("StateDirectory", service.Keys);
        Assert.Contains("History__DatabasePath=%h/.local/state/opsbot/opsbot.db", service["Environment"]);
        Assert.Equal(["%h/.local/state/opsbot"], service["ReadWritePaths"]);
        Assert.Equal(["0077"], service["UMask"]);
        Assert.Equal(["%h/.local/opt/opsbot/opsbot --port 8003 --vllm-url http://127.0.0.1:8000"], service["ExecStart"]);
        Assert.Equal(["journal"], service["StandardOutput"]);
        Assert.Equal(["default.target"], install["WantedBy"]);
        Assert.DoesNotContain("User", service.Keys);
    }
}
