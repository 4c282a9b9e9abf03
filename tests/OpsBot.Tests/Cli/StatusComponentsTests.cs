using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.Cli;
using OpsBot.Components;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Tests.Cli;

/// <summary><c>opsbot status</c> lists OpsBot's own components: as the running service reports them, else as the configuration decides.</summary>
public sealed class StatusComponentsTests
{
    private const string ServiceHealth = """
        {"status":"ok","version":"v4","vllm_url":"http://127.0.0.1:8000","proxy":"opsbot","components":{
        "discord":{"state":"disabled","reason":"Discord:GuildId is required when Discord:Token is set."},
        "history":{"state":"degraded","reason":"/var/lib/opsbot/opsbot.db: locked"},
        "alerts":{"state":"running"},"monitor":{"state":"running"},"gateway-ssh":{"state":"off","reason":"no Ops:Gateway:Host configured"},
        "vllm-container":{"state":"running"},"ops":{"state":"running"}}}
        """;

    [Fact]
    public async Task Status_shows_the_running_services_components_with_the_reason_of_each_that_is_not_running()
    {
        await using var services = Services(new HealthBody(ServiceHealth));

        var output = await StatusAsync(services);

        Assert.Contains("Components: alerts, monitor, vllm-container, ops running", output);
        Assert.Contains("  discord        disabled  Discord:GuildId is required when Discord:Token is set.", output);
        Assert.Contains("  history        degraded  /var/lib/opsbot/opsbot.db: locked", output);
        Assert.Contains("  gateway-ssh    off       no Ops:Gateway:Host configured", output);
    }

    [Fact]
    public async Task Without_a_running_service_status_shows_what_the_configuration_decides()
    {
        await using var services = Services(new StubHealthHandler(null), states =>
        {
            states.Disable(ComponentNames.Alerts, ["Alerts:TickInterval: 'banana' is not a duration."]);
            states.SwitchOff(ComponentNames.Discord, "no Discord:Token configured");
        });

        var output = await StatusAsync(services);

        Assert.Contains("  alerts         disabled  Alerts:TickInterval: 'banana' is not a duration.", output);
        Assert.Contains("  discord        off       no Discord:Token configured", output);
    }

    private static ServiceProvider Services(HttpMessageHandler proxy, Action<ComponentStates>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddOpsOperations();
        var states = services.GetComponentStates();
        configure?.Invoke(states);
        var status = Substitute.For<IStatusService>();
        status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow,
            [new ServiceStatus(StackService.Vllm, HealthState.Healthy, "serving", []), new ServiceStatus(StackService.Proxy, HealthState.Healthy, "", [])]));
        services.AddSingleton(status);
        var clients = Substitute.For<IHttpClientFactory>();
        clients.CreateClient(Arg.Any<string>()).Returns(_ => new HttpClient(proxy, disposeHandler: false));
        services.AddSingleton(clients);
        return services.BuildServiceProvider();
    }

    private static async Task<string> StatusAsync(ServiceProvider services)
    {
        var output = new StringWriter();
        await new CliApp(new CliConsole(output, new StringWriter()), _ => services).RunAsync(new OpsBotCommandLine().Parse(["status"]), CancellationToken.None);
        // The CLI fits lines to 80 columns; join continuation lines again for assertions on whole reasons.
        return System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\n {3,}", " ");
    }

    private sealed class HealthBody(string json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
    }
}
