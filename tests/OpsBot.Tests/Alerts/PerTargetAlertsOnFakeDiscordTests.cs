using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpsBot.FakeDiscord;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.Ops.Probes;
using OpsBot.VllmSimulator;

namespace OpsBot.Tests.Alerts;

/// <summary>
/// The whole host with its monitor running and two gateway targets: one going down is posted to the alert channel naming
/// that gateway, and resolved naming it; the other, healthy all along, is never mentioned.
/// </summary>
public sealed class PerTargetAlertsOnFakeDiscordTests
{
    private static readonly string AlertsPath = $"/api/v10/channels/{FakeInteractions.AlertsChannelId}/messages";

    [Fact]
    public async Task A_gateway_target_going_down_and_back_is_raised_and_resolved_under_its_own_name()
    {
        var (gwA, gwB) = (new SwitchableProbe("gw-a"), new SwitchableProbe("gw-b"));
        await using var discord = await FakeDiscordServer.StartAsync();
        await using var vllm = await VllmSimulatorServer.StartAsync();
        var builder = OpsBotHost.CreateBuilder(
        [
            "--port", "0", "--host", "127.0.0.1", "--vllm-url", vllm.BaseUrl.ToString().TrimEnd('/'),
            "--History:DatabasePath", Path.Combine(Path.GetTempPath(), $"opsbot-target-alerts-{Guid.NewGuid():N}.db"),
            "--Ops:Monitor:Interval", "00:00:01",
            "--Discord:Token", discord.Options.Token,
            "--Discord:GuildId", discord.Options.GuildId.ToString(CultureInfo.InvariantCulture),
            "--Discord:RestBaseUrl", discord.RestBaseUrl.ToString(),
            "--Discord:AlertChannelId", FakeInteractions.AlertsChannelId.ToString(CultureInfo.InvariantCulture),
            "--Alerts:TickInterval", "00:00:00.200",
        ]);
        // Two more gateway targets next to the (unconfigured) default one, probed by the monitor like any target.
        builder.Services.AddSingleton<IServiceProbe>(gwA);
        builder.Services.AddSingleton<IServiceProbe>(gwB);
        using var host = builder.Build();
        await Task.Run(() => host.StartAsync()); // outside xunit's SynchronizationContext, as in production
        try
        {
            // Both seen healthy first (no post), then gw-b fails.
            await WaitUntilAsync(() => gwB.Calls >= 2);
            gwB.State = HealthState.Down;
            await discord.WaitForRequestAsync("POST", AlertsPath, timeout: TimeSpan.FromSeconds(30));
            gwB.State = HealthState.Healthy;
            await discord.WaitForRequestAsync("POST", AlertsPath, count: 2, timeout: TimeSpan.FromSeconds(30));
            var posted = discord.Requests.Snapshot().Where(r => r.Method == "POST" && r.Path == AlertsPath).Select(r => Text(r.Body)).ToList();

            Assert.Equal(2, posted.Count);
            Assert.Contains("**gateway `gw-b` status: down**", posted[0]);
            Assert.Contains("unit is failed", posted[0]);
            Assert.Contains("Resolved: gateway `gw-b` status", posted[1]);
            Assert.All(posted, p => Assert.DoesNotContain("gw-a", p));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>The request body with JSON's escapes undone (backticks, emoji), as Discord shows it.</summary>
    private static string Text(string body) =>
        JsonNode.Parse(body)!.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the monitor did not probe in time");
            await Task.Delay(50);
        }
    }

    private sealed class SwitchableProbe(string target) : IServiceProbe
    {
        private int _calls;

        public volatile HealthState State = HealthState.Healthy;

        public int Calls => Volatile.Read(ref _calls);

        public StackService Service => StackService.Gateway;

        public string? Target => target;

        public Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var state = State;
            return Task.FromResult(new ServiceStatus(Service, state, state == HealthState.Healthy ? "active (running), port 18791 open" : "unit is failed (failed), port 18791 closed", []));
        }
    }
}
