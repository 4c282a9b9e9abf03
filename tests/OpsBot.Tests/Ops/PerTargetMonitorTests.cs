using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Monitoring;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Ssh;

namespace OpsBot.Tests.Ops;

/// <summary>The monitor watches every configured gateway and vLLM, each status and transition naming its target.</summary>
public sealed class PerTargetMonitorTests : IDisposable
{
    private readonly string _keyFile = Path.GetTempFileName();
    private readonly ISshCommandRunner _beta = Substitute.For<ISshCommandRunner>();
    private readonly IContainerEngine _gpuB = Substitute.For<IContainerEngine>();

    public void Dispose() => File.Delete(_keyFile);

    private const string ActiveBundle = "active\n--opsbot--\nActiveState=active\nSubState=running\nNRestarts=0\nMainPID=42\n--opsbot--\n";

    private OpsTestServices TwoOfEach()
    {
        var settings = new Dictionary<string, string?> { ["Ops:Monitor:Interval"] = "00:00:30" };
        foreach (var (index, name, host) in new[] { (0, "alpha", "gw-a.example"), (1, "beta", "gw-b.example") })
        {
            var prefix = $"Ops:Gateways:{index}";
            settings[$"{prefix}:Name"] = name;
            settings[$"{prefix}:Host"] = host;
            settings[$"{prefix}:User"] = "ops";
            settings[$"{prefix}:PrivateKeyPath"] = _keyFile;
            settings[$"{prefix}:HostKeyFingerprint"] = "SHA256:" + new string('A', 43);
        }

        // Nothing listens on port 1: both vLLM APIs are refused at once, and the containers say why.
        foreach (var (index, name) in new[] { (0, "gpu-a"), (1, "gpu-b") })
        {
            settings[$"Ops:Vllm:{index}:Name"] = name;
            settings[$"Ops:Vllm:{index}:ContainerName"] = "vllm-" + name;
            settings[$"Ops:Vllm:{index}:BaseUrl"] = "http://127.0.0.1:1/";
        }

        var ops = new OpsTestServices(settings, extra: s =>
        {
            s.AddKeyedSingleton("beta", _beta);
            s.AddKeyedSingleton("gpu-b", _gpuB);
        });
        ops.Tcp.ProbeAsync(default!, default, default, default).ReturnsForAnyArgs((true, null));
        ops.Containers.InspectAsync(default).ReturnsForAnyArgs(new ContainerObservation(ContainerProbeOutcome.Found, "running", true, DateTimeOffset.UnixEpoch, 0));
        _gpuB.InspectAsync(default).ReturnsForAnyArgs(new ContainerObservation(ContainerProbeOutcome.Found, "exited", false, DateTimeOffset.UnixEpoch, 3, 137));
        foreach (var ssh in new[] { ops.Ssh, _beta })
        {
            ssh.RunAsync(default!, default, default).ReturnsForAnyArgs(OpsTestServices.Completed(ActiveBundle.Replace("--opsbot--", GatewayCommands.BundleSeparator, StringComparison.Ordinal)));
        }

        return ops;
    }

    [Fact]
    public async Task Every_configured_gateway_and_vllm_is_probed_in_configuration_order_and_named()
    {
        await using var ops = TwoOfEach();
        _beta.RunAsync(default!, default, default).ReturnsForAnyArgs(OpsTestServices.Completed("failed\n"));
        ops.Tcp.ProbeAsync("gw-b.example", Arg.Any<int>(), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>()).Returns((false, "connection refused"));

        var status = await ops.Get<IStatusService>().GetStatusAsync(CancellationToken.None);

        Assert.Equal(
            [(StackService.Vllm, "gpu-a"), (StackService.Vllm, "gpu-b"), (StackService.Proxy, null), (StackService.Gateway, "alpha"), (StackService.Gateway, "beta")],
            status.Services.Select(s => (s.Service, s.Target)));
        var gateways = status.Services.Where(s => s.Service == StackService.Gateway).ToList();
        Assert.Equal(HealthState.Healthy, gateways[0].State);
        Assert.Equal(HealthState.Down, gateways[1].State);
        Assert.StartsWith("unit is failed", gateways[1].Summary);
        var vllm = status.Services.Where(s => s.Service == StackService.Vllm).ToList();
        Assert.Equal("container exited (exit code 137)", vllm[1].Summary);
        Assert.Equal(3, vllm[1].Facts.Restarts);
        Assert.Contains("does not answer", vllm[0].Summary);
    }

    [Fact]
    public async Task The_single_flat_key_target_is_probed_once_and_unnamed()
    {
        await using var ops = new OpsTestServices(OpsTestServices.GatewayConfigured(_keyFile));

        var status = await ops.Get<IStatusService>().GetStatusAsync(CancellationToken.None);

        Assert.Equal([(StackService.Vllm, null), (StackService.Proxy, null), (StackService.Gateway, (string?)null)], status.Services.Select(s => (s.Service, s.Target)));
    }

    [Fact]
    public async Task Each_targets_transitions_are_confirmed_on_their_own_and_carry_the_target()
    {
        var time = new ManualTimeProvider();
        var alpha = new ScriptedProbe("alpha");
        var beta = new ScriptedProbe("beta");
        var options = Options.Create(new MonitorOptions { ConfirmationProbes = 2 });
        var history = new HealthHistory(options);
        using var service = new StatusService(
            new StackProber([alpha, beta], options, time, NullLogger<StackProber>.Instance), history, new OpsBot.Ops.Security.SecretRedactor([]), options, time,
            NullLogger<StatusService>.Instance);

        await service.RefreshAsync(CancellationToken.None);
        beta.State = HealthState.Down;
        await service.RefreshAsync(CancellationToken.None);
        // gw-a flips down once only (one slow probe): not confirmed; beta's second down round is.
        alpha.State = HealthState.Down;
        await service.RefreshAsync(CancellationToken.None);
        alpha.State = HealthState.Healthy;
        await service.RefreshAsync(CancellationToken.None);

        Assert.Equal(
            [("alpha", (HealthState?)null, HealthState.Healthy), ("beta", null, HealthState.Healthy), ("beta", HealthState.Healthy, HealthState.Down)],
            history.Recent(10).Select(t => (t.Target!, t.From, t.To)));
        Assert.All(history.Recent(10), t => Assert.Equal(StackService.Gateway, t.Service));
    }

    [Fact]
    public async Task A_probe_that_times_out_is_reported_under_its_own_target()
    {
        var time = new ManualTimeProvider();
        var hung = new ScriptedProbe("beta") { Hang = new TaskCompletionSource<ServiceStatus>() };
        var options = Options.Create(new MonitorOptions { ProbeTimeout = TimeSpan.FromSeconds(5) });
        var prober = new StackProber([new ScriptedProbe("alpha"), hung], options, time, NullLogger<StackProber>.Instance);

        var probing = prober.ProbeAsync(CancellationToken.None);
        while (hung.Calls == 0)
        {
            await Task.Yield();
        }

        time.Advance(TimeSpan.FromSeconds(6));
        var status = await probing.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([("alpha", HealthState.Healthy), ("beta", HealthState.Unknown)], status.Services.Select(s => (s.Target!, s.State)));
        Assert.StartsWith("probe timed out", status.Services[1].Summary);
    }

    private sealed class ScriptedProbe(string target) : IServiceProbe
    {
        public HealthState State { get; set; } = HealthState.Healthy;

        public int Calls;

        public TaskCompletionSource<ServiceStatus>? Hang { get; init; }

        public StackService Service => StackService.Gateway;

        public string? Target => target;

        public Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Hang?.Task ?? Task.FromResult(new ServiceStatus(Service, State, $"{target} is {State}", []));
        }
    }
}
