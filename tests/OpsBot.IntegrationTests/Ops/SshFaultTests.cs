using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Ops;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Ssh;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>Every SSH failure becomes a clear status line within a bounded time.</summary>
public sealed class SshFaultTests : IClassFixture<SshServerFixture>
{
    private readonly SshServerFixture _ssh;

    public SshFaultTests(SshServerFixture ssh)
    {
        _ssh = ssh;
        _ssh.Reset();
    }

    private OpsServices Services(Action<Dictionary<string, string?>> tweak)
    {
        var settings = OpsServices.GatewaySettings(_ssh, FreePort.Next());
        settings["Ops:Gateway:ConnectTimeout"] = "00:00:02";
        settings["Ops:Gateway:CommandTimeout"] = "00:00:02";
        tweak(settings);
        return new OpsServices(settings);
    }

    private static RemoteCommand IsActive => new("systemctl --user is-active 'openclaw-gateway.service'", "systemctl --user is-active 'openclaw-gateway.service'");

    [Fact]
    public async Task Changed_host_key_is_refused_naming_expected_and_seen_fingerprints()
    {
        await using var ops = Services(s => s["Ops:Gateway:HostKeyFingerprint"] = _ssh.OtherHostKeyFingerprint);

        var result = await ops.Get<ISshCommandRunner>().RunAsync(IsActive, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(SshOutcome.HostKeyRejected, result.Outcome);
        Assert.Contains($"expected {_ssh.OtherHostKeyFingerprint}", result.Error);
        Assert.Contains($"server presented {_ssh.HostKeyFingerprint}", result.Error);
        Assert.Empty(_ssh.Calls());
    }

    [Fact]
    public async Task Key_not_authorized_is_reported_as_refused_authentication()
    {
        await using var ops = Services(s => s["Ops:Gateway:PrivateKeyPath"] = _ssh.StrangerKeyPath);

        var result = await ops.Get<ISshCommandRunner>().RunAsync(IsActive, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(SshOutcome.AuthenticationFailed, result.Outcome);
        Assert.Contains($"SSH key authentication as {_ssh.User} on 127.0.0.1:{_ssh.Port} was refused", result.Error);
        Assert.Empty(_ssh.Calls());
    }

    [Fact]
    public async Task Host_down_gives_connection_refused_and_gateway_down()
    {
        var closedPort = FreePort.Next();
        await using var ops = Services(s => s["Ops:Gateway:SshPort"] = closedPort.ToString());

        var status = await ops.Get<GatewayProbe>().ProbeAsync(CancellationToken.None);

        Assert.Equal(HealthState.Down, status.State);
        Assert.Contains($"cannot reach 127.0.0.1:{closedPort}: connection refused", status.Summary);
        Assert.Contains("closed", status.Summary);
    }

    [Fact]
    public async Task Server_that_never_speaks_times_out_on_connect()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var ops = Services(s => s["Ops:Gateway:SshPort"] = port.ToString());
        var clock = Stopwatch.StartNew();

        var result = await ops.Get<ISshCommandRunner>().RunAsync(IsActive, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(SshOutcome.TimedOut, result.Outcome);
        Assert.Contains($"SSH connect to 127.0.0.1:{port} timed out after 2 s", result.Error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Hung_command_times_out_and_the_status_says_so()
    {
        _ssh.SetState("systemctl-mode", "hang");
        await using var ops = Services(s => s["Ops:Gateway:CommandTimeout"] = "00:00:03");
        var clock = Stopwatch.StartNew();

        var status = await ops.Get<GatewayProbe>().ProbeAsync(CancellationToken.None);

        Assert.NotEqual(HealthState.Healthy, status.State);
        Assert.Contains("timed out after 3 s", status.Summary);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"took {clock.Elapsed}");
        Assert.Equal("systemctl [--user] [is-active] [openclaw-gateway.service]", Assert.Single(_ssh.Calls()));
    }
}
