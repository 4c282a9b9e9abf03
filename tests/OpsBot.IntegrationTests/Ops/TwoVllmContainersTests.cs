using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Monitoring;
using OpsBot.Status;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>
/// Two vLLM targets (<c>Ops:Vllm:0</c> gpu-a, <c>Ops:Vllm:1</c> gpu-b), each a container on podman's Docker-compatible API:
/// the monitor and /status see each, a stopped one is down while the other stays up, and a restart targeted at one restarts
/// only that one. Each test starts from both containers serving, so they run in any order.
/// </summary>
public sealed class TwoVllmContainersTests : IClassFixture<TwoContainerPodmanFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private readonly TwoContainerPodmanFixture _podman;

    public TwoVllmContainersTests(TwoContainerPodmanFixture podman) => _podman = podman;

    private OpsServices Services()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ops:Docker:Endpoint"] = _podman.Endpoint.ToString(),
            ["Ops:Restart:Cooldown"] = "00:00:00",
        };
        foreach (var (index, name) in new[] { (0, "gpu-a"), (1, "gpu-b") })
        {
            var (container, port) = _podman.Containers[index];
            settings[$"Ops:Vllm:{index}:Name"] = name;
            settings[$"Ops:Vllm:{index}:ContainerName"] = container;
            settings[$"Ops:Vllm:{index}:BaseUrl"] = $"http://127.0.0.1:{port}/";
            settings[$"Ops:Vllm:{index}:StopTimeoutSeconds"] = "1";
            settings[$"Ops:Vllm:{index}:RestartReadyTimeout"] = "00:00:30";
            settings[$"Ops:Vllm:{index}:ReadyPollInterval"] = "00:00:00.200";
        }

        return new OpsServices(settings);
    }

    /// <summary>Monitor rounds until <paramref name="done"/> holds for the two vLLM targets (by name), or the patience runs out.</summary>
    private static async Task<IReadOnlyDictionary<string, ServiceStatus>> RefreshUntilAsync(OpsServices ops, Func<IReadOnlyDictionary<string, ServiceStatus>, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var stack = await ops.Get<StatusService>().RefreshAsync(CancellationToken.None);
            var vllm = stack.Services.Where(s => s.Service == StackService.Vllm).ToDictionary(s => s.Target ?? "(none)");
            if (done(vllm) || DateTime.UtcNow > deadline)
            {
                return vllm;
            }

            await Task.Delay(250);
        }
    }

    private static bool BothHealthy(IReadOnlyDictionary<string, ServiceStatus> vllm) =>
        vllm.Count == 2 && vllm.Values.All(s => s.State == HealthState.Healthy);

    private async Task BothServingAsync(OpsServices ops)
    {
        // A test before this one may have left one stopped; starting a running container changes nothing.
        await _podman.PodmanAsync(["start", .. _podman.Containers.Select(c => c.Name)]);
        var vllm = await RefreshUntilAsync(ops, BothHealthy);
        Assert.True(BothHealthy(vllm), string.Join("; ", vllm.Select(v => $"{v.Key}: {v.Value.State} {v.Value.Summary}")));
    }

    /// <summary>The container's id and when it last started, as podman records them.</summary>
    private async Task<string> InspectAsync(int index) =>
        (await _podman.PodmanAsync(["inspect", "--format", "{{.Id}} {{.State.StartedAt}}", _podman.Containers[index].Name])).Trim();

    [Fact]
    public async Task Status_shows_both_containers_and_a_stopped_one_down_while_the_other_stays_up()
    {
        await using var ops = Services();
        await BothServingAsync(ops);
        var reader = new StatusReader(TimeProvider.System, ops.Get<IStatusService>());

        var both = new StatusTextRenderer().Render(await reader.GetReportAsync(inService: true, CancellationToken.None)).Split('\n');
        await _podman.PodmanAsync(["stop", "-t", "1", _podman.Containers[1].Name]);
        var vllm = await RefreshUntilAsync(ops, v => v.TryGetValue("gpu-b", out var b) && b.State == HealthState.Down);
        var report = await reader.GetReportAsync(inService: true, CancellationToken.None);
        var text = new StatusTextRenderer().Render(report).Split('\n');
        var embed = StatusEmbedRenderer.BuildEmbed(report, DateTimeOffset.UtcNow);

        Assert.Contains("  vLLMs    healthy   2/2 up", both);
        Assert.Contains("    gpu-a  healthy   KV cache 14 %", both);
        Assert.Contains("    gpu-b  healthy   KV cache 14 %", both);
        Assert.Equal((HealthState.Healthy, HealthState.Down), (vllm["gpu-a"].State, vllm["gpu-b"].State));
        Assert.StartsWith("container exited", vllm["gpu-b"].Summary);
        Assert.Contains("  vLLMs    degraded  1/2 up · gpu-b down", text);
        Assert.Contains(text, l => l.StartsWith("    gpu-b  down      container exited", StringComparison.Ordinal));
        Assert.Contains("⚠️ **vLLMs** · 1/2 up · gpu-b down", embed.Description!.Split('\n'));
        Assert.StartsWith("❌ down\ncontainer exited", embed.Fields.Single(f => f.Name == "vLLM · gpu-b").Value);
        Assert.StartsWith("✅ healthy\n", embed.Fields.Single(f => f.Name == "vLLM · gpu-a").Value);
        // The monitor's transitions (what health alerts are made of) name the target that went down, and only it.
        var down = Assert.Single(ops.Get<IHealthHistory>().Recent(50), t => t.Service == StackService.Vllm && t.To == HealthState.Down);
        Assert.Equal((StackService.Vllm, "gpu-b", HealthState.Healthy), (down.Service, down.Target, down.From));
    }

    [Fact]
    public async Task A_restart_targeted_at_one_container_restarts_only_that_one()
    {
        await using var ops = Services();
        await BothServingAsync(ops);
        var (aBefore, bBefore) = (await InspectAsync(0), await InspectAsync(1));

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "gpu-b", "dave", null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Contains("gpu-b", result.Message);
        var (aAfter, bAfter) = (await InspectAsync(0), await InspectAsync(1));
        Assert.Equal(aBefore, aAfter);
        // Restarted in place: the same container (id), started again.
        Assert.Equal(bBefore.Split(' ')[0], bAfter.Split(' ')[0]);
        Assert.NotEqual(bBefore, bAfter);
        var vllm = await RefreshUntilAsync(ops, BothHealthy);
        Assert.True(BothHealthy(vllm));
    }
}
