using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.IntegrationTests.FailSafe;

/// <summary>
/// The real binary with every section but <c>Proxy:*</c> broken, as a half-finished env file leaves it: the proxy must
/// listen and serve anyway, each broken part shows as disabled with its reason, and check-config names every key.
/// </summary>
public sealed class BrokenComponentsTests : IDisposable
{
    private static readonly TimeSpan ServeWithin = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StaysUpFor = TimeSpan.FromSeconds(20);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opsbot-failsafe-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>What each broken component says, keyed by component: the key its reason must name.</summary>
    private static readonly Dictionary<string, (string State, string Key)> Expected = new()
    {
        ["discord"] = ("disabled", "Discord:GuildId is required when Discord:Token is set"),
        ["gateway-ssh"] = ("disabled", "Ops:Gateway:HostKeyFingerprint must look like SHA256:"),
        ["alerts"] = ("disabled", "Alerts:NoReply:AlertThreshold (2) must be at least Alerts:NoReply:WarnThreshold (5)"),
        ["monitor"] = ("disabled", "Ops:Monitor:Interval: 'banana' is not a duration"),
        ["vllm-container"] = ("disabled", "Ops:Vllm:ContainerName 'vllm coder' is not a valid Docker container name"),
        ["ops"] = ("disabled", "Ops:Restart:Cooldown must not be negative"),
        ["history"] = ("degraded", "/proc/opsbot/opsbot.db"),
    };

    private Dictionary<string, string> BrokenEverythingButTheProxy()
    {
        var key = Path.Combine(_dir.FullName, "id_ed25519");
        File.WriteAllText(key, "not really a key");
        return new Dictionary<string, string>
        {
            // The deploy guide's env file once lacked the guild: that alone kept port 8003 down.
            ["Discord__Token"] = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.fake.token",
            ["Ops__Gateway__Host"] = "gateway.example",
            ["Ops__Gateway__User"] = "openclaw",
            ["Ops__Gateway__PrivateKeyPath"] = key,
            ["Ops__Gateway__HostKeyFingerprint"] = "MD5:aa:bb:cc",
            ["Alerts__NoReply__WarnThreshold"] = "5",
            ["Alerts__NoReply__AlertThreshold"] = "2",
            ["Ops__Monitor__Interval"] = "banana",
            ["Ops__Vllm__ContainerName"] = "vllm coder",
            ["Ops__Restart__Cooldown"] = "-00:01:00",
            // Not a configuration mistake but a runtime one: nothing can be created under /proc, not even by root.
            ["History__DatabasePath"] = "/proc/opsbot/opsbot.db",
        };
    }

    [Fact]
    public async Task With_every_other_section_broken_the_proxy_serves_and_shows_each_component_with_its_reason()
    {
        await using var simulator = await VllmSimulatorServer.StartAsync();
        var port = FreePort.Next();
        var started = Stopwatch.StartNew();
        await using var run = OpsBotRun.Start(
            ["--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--vllm-url", simulator.BaseUrl.ToString().TrimEnd('/')],
            _dir.FullName, BrokenEverythingButTheProxy());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };

        var health = await run.WaitHealthyAsync(http, ServeWithin);
        // Components start once the proxy has answered (ComponentStartGate): the first /health may still show them starting.
        while (started.Elapsed < ServeWithin && health.GetProperty("components").EnumerateObject().Any(c => c.Value.GetProperty("state").GetString() == "starting"))
        {
            await Task.Delay(100);
            health = await http.GetFromJsonAsync<JsonElement>("/health");
        }

        using (var completion = await http.PostAsync("/v1/chat/completions", new StringContent(
                   """{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"user","content":"What is 2+2?"}]}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
            var body = await completion.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("assistant", body.GetProperty("choices")[0].GetProperty("message").GetProperty("role").GetString());
        }

        Assert.True(started.Elapsed < ServeWithin, $"first completion served after {started.Elapsed}:\n{run.Output}");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("v4", health.GetProperty("version").GetString());
        var components = health.GetProperty("components");
        foreach (var (name, (state, key)) in Expected)
        {
            var component = components.GetProperty(name);
            Assert.True(state == component.GetProperty("state").GetString(), $"{name}: {component}");
            Assert.Contains(key, component.GetProperty("reason").GetString());
        }

        // Still serving 20 s later, asked all along rather than after one long sleep.
        var watch = Stopwatch.StartNew();
        var polls = 0;
        while (watch.Elapsed < StaysUpFor)
        {
            Assert.False(run.HasExited, $"opsbot exited after {started.Elapsed}:\n{run.Output}");
            using var response = await http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            polls++;
            await Task.Delay(250);
        }

        Assert.True(polls > 10, $"only {polls} health checks in {StaysUpFor}");
        run.Terminate();
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        // One error line per disabled component, each naming its keys; no stack traces, nothing unhandled.
        foreach (var (name, (state, key)) in Expected.Where(e => e.Value.State == "disabled"))
        {
            Assert.Single(run.Stdout.Split('\n'), line => line.Contains($"Component {name} is disabled by its configuration", StringComparison.Ordinal) && line.Contains(key, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("Unhandled exception", run.Output);
        Assert.DoesNotContain("   at ", run.Output);
    }

    [Fact]
    public async Task Check_config_exits_2_and_lists_every_problem_on_its_own_line_naming_the_key()
    {
        var (exit, run) = await OpsBotRun.RunToExitAsync(["check-config"], _dir.FullName, TimeSpan.FromSeconds(60), BrokenEverythingButTheProxy());
        await using var _ = run;

        Assert.True(exit == 2, run.Output);
        // The CLI fits its output to 80 columns: a problem continues on lines indented past its "  - ".
        var unwrapped = System.Text.RegularExpressions.Regex.Replace(run.Stdout, @"\n {4,}", " ");
        var problems = unwrapped.Split('\n').Where(line => line.StartsWith("  - ", StringComparison.Ordinal)).ToList();
        foreach (var (name, (_, key)) in Expected.Where(e => e.Value.State == "disabled"))
        {
            Assert.True(problems.Count(p => p.Contains(key, StringComparison.Ordinal)) == 1, $"{name}: {key}\n{run.Output}");
        }

        // Gateway: user given, key file present, fingerprint wrong: that one problem, nothing else.
        Assert.Equal(Expected.Count(e => e.Value.State == "disabled"), problems.Count);
        Assert.DoesNotContain("fake.token", run.Output);
        Assert.DoesNotContain("Unhandled exception", run.Output);
    }
}
