using NSubstitute;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;
using OpsBot.Ops.Ssh;

namespace OpsBot.Tests.Ops;

public sealed class RestartServiceTests : IDisposable
{
    private readonly string _keyFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_keyFile);

    private OpsTestServices Gateway(string cooldown = "00:00:00")
    {
        var settings = OpsTestServices.GatewayConfigured(_keyFile);
        settings["Ops:Restart:Cooldown"] = cooldown;
        var ops = new OpsTestServices(settings);
        ops.Tcp.ProbeAsync(default!, default, default, default).ReturnsForAnyArgs((true, null));
        return ops;
    }

    [Fact]
    public async Task Gateway_restart_polls_is_active_until_active_and_reports_time_to_healthy()
    {
        await using var ops = Gateway();
        var sent = new List<string>();
        var activeAnswers = new Queue<string>(["activating", "activating", "active"]);
        ops.Ssh.RunAsync(default!, default, default).ReturnsForAnyArgs(call =>
        {
            var command = call.Arg<RemoteCommand>();
            sent.Add(command.Text);
            return command.Text.Contains("is-active")
                ? OpsTestServices.Completed(activeAnswers.Dequeue() + "\n", activeAnswers.Count == 0 ? 0 : 3)
                : OpsTestServices.Completed("");
        });
        var progress = new List<string>();

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "alice", new InlineProgress(progress), CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("gateway healthy again after", result.Message);
        Assert.Equal(
            [
                "systemctl --user restart 'openclaw-gateway.service'",
                "systemctl --user is-active 'openclaw-gateway.service'",
                "systemctl --user is-active 'openclaw-gateway.service'",
                "systemctl --user is-active 'openclaw-gateway.service'",
            ],
            sent);
        Assert.Equal(1, progress.Count(p => p == "gateway: unit is activating"));
        await ops.Tcp.Received(1).ProbeAsync("gateway.example", 18791, Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Gateway_that_never_opens_its_port_fails_after_the_ready_timeout()
    {
        var settings = OpsTestServices.GatewayConfigured(_keyFile);
        settings["Ops:Gateway:RestartReadyTimeout"] = "00:00:00.200";
        await using var ops = new OpsTestServices(settings);
        ops.Ssh.RunAsync(default!, default, default).ReturnsForAnyArgs(call =>
            OpsTestServices.Completed(call.Arg<RemoteCommand>().Text.Contains("is-active") ? "active\n" : ""));
        ops.Tcp.ProbeAsync(default!, default, default, default).ReturnsForAnyArgs((false, "connection refused"));

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "alice", null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("gateway not healthy within 0.2 s after restart (last: active, port 18791 connection refused)", result.Message);
        Assert.Null(result.TimeToHealthy);
    }

    [Fact]
    public async Task A_restart_inside_the_cooldown_is_refused_and_still_audited()
    {
        await using var ops = Gateway(cooldown: "00:10:00");
        ops.Ssh.RunAsync(default!, default, default).ReturnsForAnyArgs(OpsTestServices.Completed("active\n"));
        var restarts = ops.Get<IRestartService>();
        await restarts.RestartAsync(StackService.Gateway, "alice", null, CancellationToken.None);

        var second = await restarts.RestartAsync(StackService.Gateway, "bob", null, CancellationToken.None);

        Assert.False(second.Succeeded);
        Assert.StartsWith("refused: Gateway was restarted 0 s ago", second.Message);
        var audit = await ops.Get<IRestartAuditLog>().GetRecentAsync(10, CancellationToken.None);
        Assert.Equal([("bob", false), ("alice", true)], audit.Select(a => (a.RequestedBy, a.Succeeded)));
        await ops.Ssh.Received(1).RunAsync(Arg.Is<RemoteCommand>(c => c.Text.Contains("restart")), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Unconfigured_parts_refuse_with_the_setting_to_add()
    {
        await using var ops = new OpsTestServices();
        ops.Containers.IsConfigured.Returns(false);

        var gateway = await ops.Get<IRestartService>().RestartAsync(StackService.Gateway, "alice", null, CancellationToken.None);
        var vllm = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "alice", null, CancellationToken.None);

        Assert.Equal((false, "gateway not configured (set Ops:Gateway:Host)"), (gateway.Succeeded, gateway.Message));
        Assert.Equal((false, "not configured (set Ops:Vllm:ContainerName)"), (vllm.Succeeded, vllm.Message));
        await ops.Ssh.DidNotReceiveWithAnyArgs().RunAsync(default!, default, default);
        await ops.Containers.DidNotReceiveWithAnyArgs().RestartAsync(default);
    }

    [Fact]
    public async Task Failed_container_restart_reports_the_engine_message()
    {
        await using var ops = new OpsTestServices(new Dictionary<string, string?> { ["Ops:Vllm:ContainerName"] = "vllm-coder" });
        ops.Containers.IsConfigured.Returns(true);
        ops.Containers.RestartAsync(default).ReturnsForAnyArgs("container 'vllm-coder' not found on unix:///var/run/docker.sock");

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Vllm, "alice", null, CancellationToken.None);

        Assert.Equal("container restart failed: container 'vllm-coder' not found on unix:///var/run/docker.sock", result.Message);
    }

    [Fact]
    public async Task Proxy_listener_exception_is_a_failed_restart_not_a_crash()
    {
        await using var ops = new OpsTestServices();
        ops.ProxyListener.RestartAsync(default).ReturnsForAnyArgs(Task.FromException(new IOException("address already in use")));

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Proxy, "alice", null, CancellationToken.None);

        Assert.Equal((false, "proxy listener restart failed: address already in use"), (result.Succeeded, result.Message));
    }

    internal sealed class InlineProgress(List<string> sink) : IProgress<string>
    {
        public void Report(string value) => sink.Add(value);
    }
}
