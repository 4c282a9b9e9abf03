using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.Ops;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Restarts;
using OpsBot.Ops.Ssh;

namespace OpsBot.Tests.Ops;

/// <summary>Two gateways and two vLLM containers: a restart or a log tail goes to the named one and leaves the other alone.</summary>
public sealed class TargetedOpsTests : IDisposable
{
    private readonly string _keyFile = Path.GetTempFileName();
    private readonly ISshCommandRunner _beta = Substitute.For<ISshCommandRunner>();
    private readonly IContainerEngine _gpuB = Substitute.For<IContainerEngine>();

    public void Dispose() => File.Delete(_keyFile);

    private OpsTestServices TwoOfEach()
    {
        var settings = new Dictionary<string, string?> { ["Ops:Restart:Cooldown"] = "00:10:00" };
        foreach (var (index, name, host) in new[] { (0, "alpha", "gw-a.example"), (1, "beta", "gw-b.example") })
        {
            var prefix = $"Ops:Gateways:{index}";
            settings[$"{prefix}:Name"] = name;
            settings[$"{prefix}:Host"] = host;
            settings[$"{prefix}:User"] = "ops";
            settings[$"{prefix}:PrivateKeyPath"] = _keyFile;
            settings[$"{prefix}:HostKeyFingerprint"] = "SHA256:" + new string('A', 43);
            settings[$"{prefix}:ReadyPollInterval"] = "00:00:00.010";
            settings[$"{prefix}:UnitName"] = $"openclaw-{name}.service";
        }

        settings["Ops:Vllm:0:Name"] = "gpu-a";
        settings["Ops:Vllm:0:ContainerName"] = "vllm-a";
        settings["Ops:Vllm:1:Name"] = "gpu-b";
        settings["Ops:Vllm:1:ContainerName"] = "vllm-b";
        settings["Ops:Vllm:1:RestartReadyTimeout"] = "00:00:00.200";
        settings["Ops:Vllm:1:ReadyPollInterval"] = "00:00:00.010";
        var ops = new OpsTestServices(settings, extra: s =>
        {
            // The second targets' parts, substituted like the first's (which are the unkeyed singletons).
            s.AddKeyedSingleton("beta", _beta);
            s.AddKeyedSingleton("gpu-b", _gpuB);
        });
        ops.Tcp.ProbeAsync(default!, default, default, default).ReturnsForAnyArgs((true, null));
        foreach (var ssh in new[] { ops.Ssh, _beta })
        {
            ssh.RunAsync(default!, default, default).ReturnsForAnyArgs(call =>
                OpsTestServices.Completed(call.Arg<RemoteCommand>().Text.Contains("is-active") ? "active\n" : "journal line 1\njournal line 2\n"));
        }

        return ops;
    }

    [Fact]
    public async Task A_targeted_gateway_restart_runs_on_that_host_only_and_names_it_in_messages_and_audit()
    {
        await using var ops = TwoOfEach();
        var progress = new List<string>();

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "beta", "alice", new RestartServiceTests.InlineProgress(progress), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("gateway beta healthy again after", result.Message);
        Assert.Contains("restarting openclaw-beta.service on gw-b.example", progress);
        await _beta.Received(1).RunAsync(Arg.Is<RemoteCommand>(c => c.Text == "systemctl --user restart 'openclaw-beta.service'"), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
        await ops.Ssh.DidNotReceiveWithAnyArgs().RunAsync(default!, default, default);
        await ops.Tcp.Received().ProbeAsync("gw-b.example", 18791, Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
        var audit = Assert.Single(await ops.Get<IRestartAuditLog>().GetRecentAsync(10, CancellationToken.None));
        Assert.StartsWith("gateway beta healthy again", audit.Message);
    }

    [Fact]
    public async Task The_cooldown_is_per_target_and_no_target_means_the_first()
    {
        await using var ops = TwoOfEach();
        var restarts = ops.Get<IRestartService>();
        await restarts.RestartAsync(StackService.Gateway, "beta", "alice", null, CancellationToken.None);

        var again = await restarts.RestartAsync(StackService.Gateway, "beta", "bob", null, CancellationToken.None);
        var first = await restarts.RestartAsync(StackService.Gateway, "bob", null, CancellationToken.None);

        Assert.StartsWith("refused: Gateway beta was restarted 0 s ago", again.Message);
        Assert.True(first.Succeeded, first.Message);
        Assert.StartsWith("gateway alpha healthy again", first.Message);
        await ops.Ssh.Received(1).RunAsync(Arg.Is<RemoteCommand>(c => c.Text == "systemctl --user restart 'openclaw-alpha.service'"), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_unknown_target_is_refused_with_the_configured_names_and_touches_nothing()
    {
        await using var ops = TwoOfEach();

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "gamma", "alice", null, CancellationToken.None);
        var logs = await ops.Get<ILogTailService>().TailAsync(StackService.Vllm, "gpu-c", 5, CancellationToken.None);

        Assert.Equal((false, "refused: no gateway target 'gamma'; configured: alpha, beta"), (result.Succeeded, result.Message));
        Assert.Equal("no vllm target 'gpu-c'; configured: gpu-a, gpu-b", logs.Error);
        await ops.Ssh.DidNotReceiveWithAnyArgs().RunAsync(default!, default, default);
        await _beta.DidNotReceiveWithAnyArgs().RunAsync(default!, default, default);
        Assert.Single(await ops.Get<IRestartAuditLog>().GetRecentAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task A_targeted_vllm_restart_and_log_tail_use_that_container_only()
    {
        await using var ops = TwoOfEach();
        _gpuB.IsConfigured.Returns(true);
        _gpuB.TailAsync(5, Arg.Any<CancellationToken>()).Returns(new LogTail(StackService.Vllm, 5, ["loaded model on gpu b"]));
        _gpuB.RestartAsync(Arg.Any<CancellationToken>()).Returns((string?)null);

        var tail = await ops.Get<ILogTailService>().TailAsync(StackService.Vllm, "gpu-b", 5, CancellationToken.None);
        var restart = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "gpu-b", "alice", null, CancellationToken.None);

        Assert.Equal(["loaded model on gpu b"], tail.Lines);
        await _gpuB.Received(1).RestartAsync(Arg.Any<CancellationToken>());
        await ops.Containers.DidNotReceive().RestartAsync(Arg.Any<CancellationToken>());
        await ops.Containers.DidNotReceiveWithAnyArgs().TailAsync(default, default);
        // gpu-b's probe asks vLLM over HTTP, which does not answer here: the restart reports the wait, naming the target.
        Assert.StartsWith("vLLM gpu-b not healthy within 0.2 s after restart", restart.Message);
    }

    [Fact]
    public async Task A_targeted_gateway_log_tail_reads_that_hosts_journal()
    {
        await using var ops = TwoOfEach();

        var tail = await ops.Get<ILogTailService>().TailAsync(StackService.Gateway, "beta", 2, CancellationToken.None);

        Assert.Equal(["journal line 1", "journal line 2"], tail.Lines);
        await _beta.Received(1).RunAsync(Arg.Is<RemoteCommand>(c => c.Text.Contains("journalctl") && c.Text.Contains("openclaw-beta.service")), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
        await ops.Ssh.DidNotReceiveWithAnyArgs().RunAsync(default!, default, default);
    }
}
