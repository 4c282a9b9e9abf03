using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsBot.Components;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Tests.Ops;

public sealed class OpsTargetsTests : IDisposable
{
    private const string Fingerprint = "SHA256:abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

    private readonly string _keyFile = Path.GetTempFileName();

    public void Dispose() => File.Delete(_keyFile);

    private (ServiceProvider Services, ComponentStates States) AddOps(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<ProxyOptions>().Configure(o => o.VllmUrl = "http://10.0.0.9:8000");
        services.AddOps(configuration);
        return (services.BuildServiceProvider(), services.GetComponentStates());
    }

    private Dictionary<string, string?> Gateway(string prefix, string host, int port = 22, string user = "ops") => new()
    {
        [$"{prefix}:Host"] = host,
        [$"{prefix}:SshPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{prefix}:User"] = user,
        [$"{prefix}:PrivateKeyPath"] = _keyFile,
        [$"{prefix}:HostKeyFingerprint"] = Fingerprint,
    };

    private static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] parts) =>
        parts.SelectMany(p => p).ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Flat_keys_are_one_target_named_default_and_the_options_everything_else_reads()
    {
        var (services, states) = AddOps(Merge(Gateway("Ops:Gateway", "gw.lan"), new() { ["Ops:Vllm:ContainerName"] = "vllm-coder" }));

        var targets = services.GetRequiredService<OpsTargets>();
        var gateway = Assert.Single(targets.Gateways);
        Assert.Equal(("default", "gw.lan"), (gateway.Name, gateway.Host));
        Assert.Equal(("default", "gw.lan"), (services.GetRequiredService<IOptions<GatewayOpsOptions>>().Value.Name, services.GetRequiredService<IOptions<GatewayOpsOptions>>().Value.Host));
        var vllm = Assert.Single(targets.Vllm);
        Assert.Equal(("default", "vllm-coder", "http://10.0.0.9:8000/"), (vllm.Name, vllm.ContainerName, vllm.BaseUrl.ToString()));
        Assert.Equal("http://10.0.0.9:8000/", services.GetRequiredService<IOptions<VllmOpsOptions>>().Value.BaseUrl.ToString());
        Assert.Empty(states.ConfigurationProblems);
    }

    [Fact]
    public void A_list_binds_every_named_target_in_order_and_the_first_is_the_default()
    {
        var (services, states) = AddOps(Merge(
            Gateway("Ops:Gateways:0", "gw-a.lan"), Gateway("Ops:Gateways:1", "gw-b.lan", port: 2222, user: "agents"),
            new()
            {
                ["Ops:Gateways:0:Name"] = "alpha", ["Ops:Gateways:1:Name"] = "beta", ["Ops:Gateways:1:UnitName"] = "openclaw-b.service",
                ["Ops:Vllm:0:Name"] = "gpu-a", ["Ops:Vllm:0:ContainerName"] = "vllm-a",
                ["Ops:Vllm:1:Name"] = "gpu-b", ["Ops:Vllm:1:ContainerName"] = "vllm-b", ["Ops:Vllm:1:BaseUrl"] = "http://10.0.0.10:8000",
            }));

        var targets = services.GetRequiredService<OpsTargets>();
        Assert.Empty(states.ConfigurationProblems);
        Assert.Equal([("alpha", "gw-a.lan", 22, "openclaw-gateway.service"), ("beta", "gw-b.lan", 2222, "openclaw-b.service")],
            targets.Gateways.Select(g => (g.Name, g.Host, g.SshPort, g.UnitName)));
        Assert.Equal([("gpu-a", "vllm-a", "http://10.0.0.9:8000/"), ("gpu-b", "vllm-b", "http://10.0.0.10:8000/")],
            targets.Vllm.Select(v => (v.Name, v.ContainerName, v.BaseUrl.ToString())));
        Assert.Equal("alpha", services.GetRequiredService<IOptions<GatewayOpsOptions>>().Value.Name);
        Assert.Equal("gw-a.lan", services.GetRequiredService<IOptions<GatewayOpsOptions>>().Value.Host);
        Assert.Equal("vllm-a", services.GetRequiredService<IOptions<VllmOpsOptions>>().Value.ContainerName);
        Assert.Equal(["alpha", "beta"], targets.Names(StackService.Gateway));
        Assert.Equal("beta", targets.Resolve(StackService.Gateway, "BETA", out _));
        Assert.Equal("alpha", targets.Resolve(StackService.Gateway, null, out _));
        Assert.Null(targets.Resolve(StackService.Gateway, "gamma", out var error));
        Assert.Equal("no gateway target 'gamma'; configured: alpha, beta", error);
    }

    [Fact]
    public void Repeated_names_disable_the_component_with_a_line_naming_both_entries()
    {
        var (services, states) = AddOps(Merge(
            Gateway("Ops:Gateways:0", "gw-a.lan"), Gateway("Ops:Gateways:1", "gw-b.lan"),
            new() { ["Ops:Gateways:0:Name"] = "edge", ["Ops:Gateways:1:Name"] = "edge" }));

        Assert.Equal(["Ops:Gateways:1:Name 'edge' is already the name of Ops:Gateways:0: each target needs its own name."], states.ConfigurationProblems);
        Assert.Equal(ComponentState.Disabled, states.Get(ComponentNames.GatewaySsh).State);
        // Nothing half-configured runs: the one remaining target is unconfigured.
        Assert.False(Assert.Single(services.GetRequiredService<OpsTargets>().Gateways).IsConfigured);
        Assert.False(services.GetRequiredService<IOptions<GatewayOpsOptions>>().Value.IsConfigured);
    }

    [Fact]
    public void Flat_keys_and_a_list_together_are_refused_naming_one_key_of_each()
    {
        var (_, states) = AddOps(new() { ["Ops:Vllm:ContainerName"] = "vllm-coder", ["Ops:Vllm:0:Name"] = "gpu-a", ["Ops:Vllm:0:ContainerName"] = "vllm-a" });

        var problem = Assert.Single(states.ConfigurationProblems);
        Assert.StartsWith("Ops:Vllm:ContainerName and Ops:Vllm:0 are both set: configure one target with the flat keys under Ops:Vllm, or several as the list Ops:Vllm:0:Name", problem);
        Assert.Equal(ComponentState.Disabled, states.Get(ComponentNames.VllmContainer).State);
    }

    [Fact]
    public void Each_entry_is_checked_like_the_flat_section_and_its_lines_name_the_entry()
    {
        var settings = Merge(Gateway("Ops:Gateways:0", "gw-a.lan"), Gateway("Ops:Gateways:1", "gw-b.lan", port: 70000), new()
        {
            ["Ops:Gateways:0:Name"] = "Not A Name",
            ["Ops:Gateways:1:Name"] = "b",
            ["Ops:Gateways:1:CommandTimeout"] = "soon",
            ["Ops:Gateways:2:Name"] = "c",
            ["Ops:Vllm:0:ContainerName"] = "vllm-a",
        });

        var (_, states) = AddOps(settings);

        Assert.Equal(
        [
            "Ops:Vllm:0:Name is required for each entry of Ops:Vllm (a short name such as gpu-a, given to `opsbot logs --target`).",
            "Ops:Gateways:0:Name 'Not A Name' must be 1-32 lower-case letters, digits, - or _, starting with a letter or digit.",
            "Ops:Gateways:1:CommandTimeout: 'soon' is not a duration such as 00:05:00 (hh:mm:ss) or 1.00:00:00 (days).",
            "Ops:Gateways:2:Host is required for each entry of Ops:Gateways.",
        ], states.ConfigurationProblems);

        settings.Remove("Ops:Gateways:1:CommandTimeout");
        (_, states) = AddOps(settings);
        Assert.Contains("Ops:Gateways:1:SshPort must be 1-65535 (got 70000).", states.ConfigurationProblems);
    }

    [Fact]
    public void An_openclaw_environment_value_in_a_list_entry_is_a_secret_like_in_the_flat_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ops:Gateways:1:OpenClawEnvironment:VLLM_API_KEY"] = "sk-list-entry-secret",
            ["Ops:Gateway:OpenClawEnvironment:VLLM_API_KEY"] = "sk-flat-secret",
        }).Build();

        var secrets = OpsServiceCollectionExtensions.KnownSecrets(configuration).ToList();

        Assert.Contains("sk-list-entry-secret", secrets);
        Assert.Contains("sk-flat-secret", secrets);
    }
}
