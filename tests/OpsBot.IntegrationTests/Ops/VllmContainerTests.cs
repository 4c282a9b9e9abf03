using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Ops;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>
/// vLLM through the Docker Engine API served by podman, with a container from a locally imported
/// image. The tests share the container and run in any order: the restart test returns only once vLLM
/// serves again, and the tests that read vLLM wait for it to be healthy first.
/// </summary>
public sealed class VllmContainerTests : IClassFixture<PodmanFixture>
{
    private readonly PodmanFixture _podman;

    public VllmContainerTests(PodmanFixture podman) => _podman = podman;

    private OpsServices Services(string? containerName = null, Uri? endpoint = null) => new(new Dictionary<string, string?>
    {
        ["Ops:Vllm:BaseUrl"] = _podman.VllmUrl.ToString(),
        ["Ops:Vllm:ContainerName"] = containerName ?? _podman.ContainerName,
        ["Ops:Vllm:StopTimeoutSeconds"] = "1",
        ["Ops:Vllm:RestartReadyTimeout"] = "00:00:20",
        ["Ops:Vllm:ReadyPollInterval"] = "00:00:00.200",
        ["Ops:Docker:Endpoint"] = (endpoint ?? _podman.Endpoint).ToString(),
        ["Ops:Restart:Cooldown"] = "00:00:00",
    });

    private static async Task<ServiceStatus> WaitForHealthyAsync(VllmProbe probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        ServiceStatus status;
        do
        {
            status = await probe.ProbeAsync(CancellationToken.None);
            if (status.State == HealthState.Healthy)
            {
                return status;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        return status;
    }

    [Fact]
    public async Task Status_reads_health_models_metrics_and_the_container_state()
    {
        await using var ops = Services();

        var status = await WaitForHealthyAsync(ops.Get<VllmProbe>());

        Assert.Equal(HealthState.Healthy, status.State);
        Assert.Equal("serving Qwen/Qwen3-Coder-Next-FP8", status.Summary);
        var details = status.Details.ToDictionary(d => d.Key, d => d.Value);
        Assert.Equal("2 running, 1 waiting", details["requests"]);
        Assert.Equal("13.7%", details["kv cache"].Replace(" ", ""));
        Assert.StartsWith("running since ", details["container"]);
    }

    [Fact]
    public async Task Logs_are_demultiplexed_in_order_and_redacted()
    {
        await using var ops = Services();
        await WaitForHealthyAsync(ops.Get<VllmProbe>());

        var tail = await ops.Get<ILogTailService>().TailAsync(StackService.Vllm, 50, CancellationToken.None);

        Assert.Null(tail.Error);
        Assert.Contains("INFO vllm stub: loading model Qwen/Qwen3-Coder-Next-FP8", tail.Lines);
        Assert.Contains("WARNING stderr line with VLLM_API_KEY=[REDACTED]", tail.Lines);
        Assert.DoesNotContain(tail.Lines, l => l.Contains(PodmanFixture.PlantedApiKey));
        Assert.All(tail.Lines, l => Assert.DoesNotContain("\0", l));
    }

    [Fact]
    public async Task Absent_container_reports_not_found_without_throwing()
    {
        await using var ops = Services(containerName: "no-such-container");

        var container = await ops.Get<IContainerEngine>().InspectAsync(CancellationToken.None);
        var restart = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "carol", null, CancellationToken.None);
        var logs = await ops.Get<ILogTailService>().TailAsync(StackService.Vllm, 10, CancellationToken.None);

        Assert.Equal(ContainerProbeOutcome.NotFound, container.Outcome);
        Assert.Equal($"container 'no-such-container' not found on {_podman.Endpoint}", container.Error);
        Assert.False(restart.Succeeded);
        Assert.Contains("container 'no-such-container' not found", restart.Message);
        Assert.Contains("not found", logs.Error);
    }

    [Fact]
    public async Task Missing_docker_socket_gives_a_clear_status_line()
    {
        var missing = new Uri("unix:///tmp/opsbot-no-such-dir/docker.sock");
        await using var ops = Services(endpoint: missing);

        var status = await ops.Get<VllmProbe>().ProbeAsync(CancellationToken.None);
        var restart = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "carol", null, CancellationToken.None);

        var container = status.Details.Single(d => d.Key == "container").Value;
        Assert.Equal("Docker socket /tmp/opsbot-no-such-dir/docker.sock does not exist (Docker not running here, or Ops:Docker:Endpoint is wrong)", container);
        Assert.False(restart.Succeeded);
        Assert.Contains("/tmp/opsbot-no-such-dir/docker.sock does not exist", restart.Message);
    }

    [Fact]
    public async Task Restart_goes_through_the_engine_api_and_waits_for_health_and_models()
    {
        await using var ops = Services();
        var engine = ops.Get<IContainerEngine>();
        await WaitForHealthyAsync(ops.Get<VllmProbe>());
        var before = await engine.InspectAsync(CancellationToken.None);

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "dave", null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        // The stub sleeps one second before serving: the wait must have seen it down and come back.
        Assert.InRange(result.TimeToHealthy!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        var after = await engine.InspectAsync(CancellationToken.None);
        Assert.True(after.Running);
        Assert.True(after.StartedAt > before.StartedAt, $"{after.StartedAt} should be after {before.StartedAt}");
    }
}
