using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NSubstitute;
using OpsBot.Components;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.Ops;

public sealed class OptionsValidationTests : IDisposable
{
    private readonly string _keyFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_keyFile);

    private static string? Validate(GatewayOpsOptions options)
    {
        var result = new GatewayOpsOptionsValidator().Validate(null, options);
        return result.Failed ? result.FailureMessage : null;
    }

    [Fact]
    public void Defaults_are_valid_and_leave_gateway_and_docker_unconfigured()
    {
        Assert.Null(Validate(new GatewayOpsOptions()));
        Assert.True(new VllmOpsOptionsValidator().Validate(null, new VllmOpsOptions()).Succeeded);
        Assert.True(new DockerOpsOptionsValidator().Validate(null, new DockerOpsOptions()).Succeeded);
        Assert.True(new MonitorOptionsValidator().Validate(null, new MonitorOptions()).Succeeded);
        Assert.True(new ProxyOpsOptionsValidator().Validate(null, new ProxyOpsOptions()).Succeeded);
        Assert.True(new RestartOptionsValidator().Validate(null, new RestartOptions()).Succeeded);
        Assert.False(new GatewayOpsOptions().IsConfigured);
        Assert.False(new VllmOpsOptions().ContainerConfigured);
    }

    [Fact]
    public void A_gateway_host_without_key_user_or_pinned_fingerprint_names_each_missing_setting()
    {
        var message = Validate(new GatewayOpsOptions { Host = "gw.lan" });

        Assert.Contains("Ops:Gateway:User is required", message);
        Assert.Contains("Ops:Gateway:PrivateKeyPath is required", message);
        Assert.Contains("Ops:Gateway:HostKeyFingerprint is required", message);
        Assert.Contains("ssh-keygen -lf", message);
    }

    [Theory]
    [InlineData("MD5:12:34", "must look like SHA256:<43 base64 characters>")]
    [InlineData("SHA256:short", "must look like SHA256:<43 base64 characters>")]
    public void Fingerprints_must_be_sha256_as_ssh_keygen_prints(string fingerprint, string expected)
    {
        var message = Validate(new GatewayOpsOptions { Host = "gw.lan", User = "ops", PrivateKeyPath = _keyFile, HostKeyFingerprint = fingerprint });

        Assert.Contains(expected, message);
    }

    [Fact]
    public void A_complete_gateway_configuration_is_valid()
    {
        var options = new GatewayOpsOptions
        {
            Host = "gw.lan",
            User = "ops",
            PrivateKeyPath = _keyFile,
            HostKeyFingerprint = "SHA256:a+NM+gx1Rin+7D968uEPLHdQuw0tcvyZxNda4hfRpcU",
            OpenClawEnvironment = { ["VLLM_API_KEY"] = "x" },
        };

        Assert.Null(Validate(options));
    }

    [Theory]
    [InlineData("UnitName", "gateway; reboot", "must be a systemd service name")]
    [InlineData("OpenClawCommand", "openclaw --evil", "must be a plain command name or path")]
    [InlineData("LogDirectory", "relative/dir", "must be an absolute path")]
    public void Values_that_reach_a_shell_are_checked_even_without_a_host(string property, string value, string expected)
    {
        var options = new GatewayOpsOptions();
        typeof(GatewayOpsOptions).GetProperty(property)!.SetValue(options, value);

        Assert.Contains(expected, Validate(options));
    }

    [Fact]
    public void Missing_private_key_file_is_reported_at_start()
    {
        var message = Validate(new GatewayOpsOptions { Host = "gw", User = "ops", PrivateKeyPath = "/nonexistent/id_ed25519", HostKeyFingerprint = "SHA256:" + new string('A', 43) });

        Assert.Contains("Ops:Gateway:PrivateKeyPath '/nonexistent/id_ed25519' does not exist", message);
    }

    [Fact]
    public void Invalid_container_name_and_url_are_rejected()
    {
        var result = new VllmOpsOptionsValidator().Validate(null, new VllmOpsOptions { BaseUrl = new Uri("ftp://x/"), ContainerName = "bad name" });

        Assert.True(result.Failed);
        Assert.Contains("Ops:Vllm:BaseUrl must be an absolute http(s) URL", result.FailureMessage);
        Assert.Contains("Ops:Vllm:ContainerName 'bad name' is not a valid Docker container name", result.FailureMessage);
    }

    [Fact]
    public async Task Invalid_ops_sections_disable_their_component_and_the_host_starts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ops:Gateway:Host"] = "gw", ["Ops:Monitor:Interval"] = "00:00:00.1", ["Ops:Restart:Cooldown"] = "soon" });
        builder.Services.AddSingleton(Substitute.For<IProxyListener>());
        builder.Services.AddSingleton(Substitute.For<IProxyStatistics>());
        builder.Services.AddOps(builder.Configuration);
        using var host = builder.Build();

        await host.StartAsync();
        var states = host.Services.GetRequiredService<ComponentStates>();
        var gateway = states.Get(ComponentNames.GatewaySsh);
        var restart = await host.Services.GetRequiredService<IRestartService>().RestartAsync(StackService.Gateway, "test", null, CancellationToken.None);
        await host.StopAsync();

        Assert.Equal(ComponentState.Disabled, gateway.State);
        Assert.Contains("Ops:Gateway:User is required", gateway.Reason);
        Assert.Equal(ComponentState.Disabled, states.Get(ComponentNames.Monitor).State);
        Assert.Contains("Ops:Monitor:Interval must be at least 1 second", states.Get(ComponentNames.Monitor).Reason);
        Assert.Contains("Ops:Restart:Cooldown: 'soon' is not a duration", states.Get(ComponentNames.Ops).Reason);
        Assert.Equal(ComponentState.Off, states.Get(ComponentNames.VllmContainer).State);
        // Disabled means not started: no monitor runs, and restarts say why instead of half-working.
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is ComponentSupervisor);
        Assert.False(restart.Succeeded);
        Assert.Contains("restarts and smoke tests are disabled: Ops:Restart:Cooldown", restart.Message);
        Assert.False(host.Services.GetRequiredService<IOptions<GatewayOpsOptions>>().Value.IsConfigured);
    }

    [Fact]
    public async Task Host_with_zero_configuration_starts_and_reports_unconfigured_parts_as_unknown()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ops:Monitor:Enabled"] = "false", ["Ops:Vllm:BaseUrl"] = "http://127.0.0.1:9/" });
        var statistics = Substitute.For<IProxyStatistics>();
        statistics.GetSnapshot().Returns(new ProxyStatisticsSnapshot(DateTimeOffset.UnixEpoch, TimeSpan.Zero, 0, 0, 0, 0, null, null));
        var listener = Substitute.For<IProxyListener>();
        listener.IsRunning.Returns(true);
        builder.Services.AddSingleton(listener);
        builder.Services.AddSingleton(statistics);
        builder.Services.AddOps(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();

        var status = await host.Services.GetRequiredService<IStatusService>().GetStatusAsync(CancellationToken.None);
        await host.StopAsync();

        Assert.Equal([StackService.Vllm, StackService.Proxy, StackService.Gateway], status.Services.Select(s => s.Service));
        var gateway = status.Services.Single(s => s.Service == StackService.Gateway);
        Assert.Equal((HealthState.Unknown, "not configured (set Ops:Gateway:Host)"), (gateway.State, gateway.Summary));
        var vllm = status.Services.Single(s => s.Service == StackService.Vllm);
        Assert.Contains(new KeyValuePair<string, string>("container", "not configured (set Ops:Vllm:ContainerName)"), vllm.Details);
        Assert.Equal(HealthState.Healthy, status.Services.Single(s => s.Service == StackService.Proxy).State);
    }
}
