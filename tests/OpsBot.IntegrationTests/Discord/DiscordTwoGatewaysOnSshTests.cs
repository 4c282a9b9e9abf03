using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using OpsBot.FakeDiscord;
using OpsBot.Hosting;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.IntegrationTests.Ops;
using OpsBot.TestSupport;

namespace OpsBot.IntegrationTests.Discord;

/// <summary>
/// The whole OpsBot host with two gateways (alpha, beta) on the real sshd, driven from the strict fake Discord: the
/// <c>target</c> option autocompletes their names, /restart restarts only the one named, /smoke runs on each in turn.
/// </summary>
public sealed class DiscordTwoGatewaysOnSshTests : IClassFixture<SshServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SshServerFixture _ssh;
    private readonly TcpListener _gatewayPort = new(IPAddress.Loopback, 0);
    private FakeDiscordServer _discord = null!;
    private IHost _host = null!;

    public DiscordTwoGatewaysOnSshTests(SshServerFixture ssh)
    {
        _ssh = ssh;
        _ssh.Reset();
    }

    public async Task InitializeAsync()
    {
        _gatewayPort.Start();
        _discord = await FakeDiscordServer.StartAsync();
        var settings = GatewayOverSshTests.TwoGatewaySettings(_ssh, ((IPEndPoint)_gatewayPort.LocalEndpoint).Port);
        settings["Ops:Monitor:Enabled"] = "false";
        settings["History:DatabasePath"] = Path.Combine(_ssh.Directory, $"history-{Guid.NewGuid():N}.db");
        settings["Discord:Token"] = _discord.Options.Token;
        settings["Discord:GuildId"] = _discord.Options.GuildId.ToString(CultureInfo.InvariantCulture);
        settings["Discord:RestBaseUrl"] = _discord.RestBaseUrl.ToString();
        settings["Discord:AdminRoleIds:0"] = FakeInteractions.OpsRoleId.ToString(CultureInfo.InvariantCulture);
        settings["Discord:AlertChannelId"] = FakeInteractions.AlertsChannelId.ToString(CultureInfo.InvariantCulture);

        // Nothing listens on the vLLM URL: these tests only touch the gateways.
        var args = new List<string> { "--port", "0", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9" };
        foreach (var (key, value) in settings)
        {
            args.Add("--" + key);
            args.Add(value!);
        }

        _host = OpsBotHost.CreateBuilder([.. args]).Build();
        await _host.StartAsync();
        await _discord.Gateway.WaitForAsync("ready");
        await _discord.WaitForRequestAsync("PUT", "/api/v10/applications/", timeout: Wait);
        await Eventually.HoldsAsync(() => _discord.RegisteredCommands is not null, "the commands are registered");
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _discord.DisposeAsync();
        _gatewayPort.Stop();
    }

    [Fact]
    public async Task The_target_option_autocompletes_the_configured_gateway_names()
    {
        var all = await _discord.DispatchInteractionAsync(_discord.Interactions.Autocomplete("restart", "target", "", [("service", "gateway")]));
        var typed = await _discord.DispatchInteractionAsync(_discord.Interactions.Autocomplete("smoke", "target", "BET", [("test", "2+2")]));

        Assert.Equal(["alpha", "beta"], await ChoicesAsync(all));
        Assert.Equal(["beta"], await ChoicesAsync(typed));
    }

    [Fact]
    public async Task Restart_with_target_beta_restarts_only_beta_over_ssh()
    {
        var command = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("restart", [("service", "gateway"), ("target", "beta")]));
        var prompt = await _discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{command.Id}/", timeout: Wait);
        var confirmId = prompt.Json!["data"]!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();

        var press = await _discord.DispatchInteractionAsync(_discord.Interactions.Button(confirmId, messageId: 1300000000000009999));

        var result = await _discord.Requests.WaitForAsync(
            r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(press.Token, StringComparison.Ordinal) && r.Body.Contains("Restart: gateway beta", StringComparison.Ordinal), Wait);
        Assert.Contains("gateway beta healthy again", result.Body);
        var restarts = _ssh.Calls().Where(c => c.Contains("[restart]", StringComparison.Ordinal)).ToList();
        Assert.Equal(["systemctl [--user] [restart] [openclaw-beta.service]"], restarts);
        // alpha's journal may be read by the start-up watchers; no unit command may touch it.
        Assert.DoesNotContain(_ssh.Calls(), c => c.StartsWith("systemctl", StringComparison.Ordinal) && c.Contains("openclaw-alpha.service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Smoke_without_a_target_runs_the_agent_on_each_gateway_in_turn_and_names_each()
    {
        var interaction = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("smoke", [("test", "2+2")]));

        var edit = await _discord.Requests.WaitForAsync(
            r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal) && r.Body.Contains("\"title\"", StringComparison.Ordinal), Wait);
        var fields = edit.Json!["embeds"]![0]!["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(2, fields.Count);
        Assert.StartsWith("✅ 2+2 on alpha: passed", fields[0]);
        Assert.StartsWith("✅ 2+2 on beta: passed", fields[1]);
        var environments = _ssh.Calls().Where(c => c.StartsWith("env VLLM_API_KEY=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["env VLLM_API_KEY=vllm-secret-key-42", "env VLLM_API_KEY=beta-key-77"], environments);
        Assert.DoesNotContain("beta-key-77", edit.Body);
    }

    private async Task<IReadOnlyList<string>> ChoicesAsync(FakeInteraction interaction)
    {
        await _discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        await Eventually.HoldsAsync(() => interaction.CallbackType is not null, "the callback was accepted");
        Assert.Equal(8, interaction.CallbackType);
        return [.. interaction.Choices!.Select(c => c!["value"]!.GetValue<string>())];
    }
}
