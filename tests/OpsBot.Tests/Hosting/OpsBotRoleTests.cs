using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.VllmSimulator;

namespace OpsBot.Tests.Hosting;

/// <summary>Several OpsBot proxies, one bot: <c>OpsBot:Role proxy</c> runs the proxy and its metrics and nothing else.</summary>
public sealed class OpsBotRoleTests
{
    private static HostApplicationBuilder Builder(Uri vllm, string database, params string[] extra) =>
        OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", vllm.ToString().TrimEnd('/'),
            "--History:DatabasePath", database,
            // Everything a full instance would start: a bot with an alert channel, the monitor, a gateway host.
            "--Discord:Token", "role-test-token", "--Discord:AlertChannelId", "123", "--Ops:Gateway:Host", "127.0.0.1",
            .. extra]);

    [Fact]
    public async Task A_proxy_role_instance_serves_requests_and_starts_no_component()
    {
        await using var simulator = await VllmSimulatorServer.StartAsync();
        var database = Path.Combine(Path.GetTempPath(), $"opsbot-role-{Guid.NewGuid():N}.db");
        using var host = Builder(simulator.BaseUrl, database, "--OpsBot:Role", "proxy").Build();

        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is ComponentSupervisor);
        Assert.All(host.Services.GetRequiredService<ComponentStates>().Snapshot(), c =>
        {
            Assert.Equal(ComponentState.Off, c.State);
            Assert.StartsWith("OpsBot:Role is proxy", c.Reason);
        });

        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<IProxyListener>().LocalAddress };
        using var answer = await http.PostAsJsonAsync("/v1/chat/completions", new { model = simulator.ModelName, messages = new[] { new { role = "user", content = "2+2?" } } });
        var health = await http.GetFromJsonAsync<JsonElement>("/health");
        await host.StopAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Single(simulator.ChatRequests);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        // History belongs to the full instance: a proxy never opens (or creates) the database.
        Assert.False(File.Exists(database));
    }

    [Fact]
    public void Without_a_role_every_configured_component_runs()
    {
        using var host = Builder(new Uri("http://127.0.0.1:9"), Path.Combine(Path.GetTempPath(), $"opsbot-role-{Guid.NewGuid():N}.db")).Build();

        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s is ComponentSupervisor);
        Assert.Contains(host.Services.GetRequiredService<ComponentStates>().Snapshot(), c => c.Name == ComponentNames.Discord && c.State != ComponentState.Off);
    }

    [Theory]
    [InlineData("bot")]
    [InlineData("proxies")]
    public void An_unknown_role_stops_the_start_naming_the_key(string role)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--OpsBot:Role", role], CommandLine.SwitchMappings).Build();

        var errors = ConfigurationErrors.CheckProxy(configuration);

        Assert.Equal($"OpsBot:Role must be 'all' (proxy, Discord bot, alerts and the rest) or 'proxy' (only the proxy and its metrics), got '{role}'.", Assert.Single(errors!.Problems));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("Proxy")]
    public void Known_roles_in_any_case_start(string role)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--OpsBot:Role", role], CommandLine.SwitchMappings).Build();

        Assert.Null(ConfigurationErrors.CheckProxy(configuration));
    }
}
