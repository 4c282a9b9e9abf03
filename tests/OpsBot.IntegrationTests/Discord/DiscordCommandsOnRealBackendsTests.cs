using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using OpsBot.FakeDiscord;
using OpsBot.Hosting;
using OpsBot.IntegrationTests.Infrastructure;

namespace OpsBot.IntegrationTests.Discord;

/// <summary>
/// The whole OpsBot host driven from the fake Discord server, with real backends behind it: a real sshd
/// (stand-in systemctl/journalctl/openclaw on the "gateway host") and podman's Docker Engine API running the
/// vLLM container. /status, /logs, /restart and /smoke go from an INTERACTION_CREATE to the edited reply.
/// </summary>
public sealed class DiscordCommandsOnRealBackendsTests : IClassFixture<SshServerFixture>, IClassFixture<PodmanFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly SshServerFixture _ssh;
    private readonly PodmanFixture _podman;
    private readonly TcpListener _gatewayPort = new(IPAddress.Loopback, 0);
    private FakeDiscordServer _discord = null!;
    private IHost _host = null!;

    public DiscordCommandsOnRealBackendsTests(SshServerFixture ssh, PodmanFixture podman)
    {
        _ssh = ssh;
        _podman = podman;
        _ssh.Reset();
    }

    public async Task InitializeAsync()
    {
        _gatewayPort.Start();
        _discord = await FakeDiscordServer.StartAsync();
        var settings = OpsServices.GatewaySettings(_ssh, ((IPEndPoint)_gatewayPort.LocalEndpoint).Port);
        settings["Ops:Vllm:BaseUrl"] = _podman.VllmUrl.ToString();
        settings["Ops:Vllm:ContainerName"] = _podman.ContainerName;
        settings["Ops:Docker:Endpoint"] = _podman.Endpoint.ToString();
        settings["Ops:Monitor:Enabled"] = "false";
        settings["History:DatabasePath"] = Path.Combine(_ssh.Directory, $"history-{Guid.NewGuid():N}.db");
        settings["Discord:Token"] = _discord.Options.Token;
        settings["Discord:GuildId"] = _discord.Options.GuildId.ToString(CultureInfo.InvariantCulture);
        settings["Discord:RestBaseUrl"] = _discord.RestBaseUrl.ToString();
        settings["Discord:AdminRoleIds:0"] = FakeInteractions.OpsRoleId.ToString(CultureInfo.InvariantCulture);
        settings["Discord:AlertChannelId"] = FakeInteractions.AlertsChannelId.ToString(CultureInfo.InvariantCulture);

        var args = new List<string> { "--port", "0", "--host", "127.0.0.1", "--vllm-url", _podman.VllmUrl.ToString().TrimEnd('/') };
        foreach (var (key, value) in settings)
        {
            args.Add("--" + key);
            args.Add(value!);
        }

        _host = OpsBotHost.CreateBuilder([.. args]).Build();
        await _host.StartAsync();
        await _discord.Gateway.WaitForAsync("ready");
        await _discord.WaitForRequestAsync("PUT", "/api/v10/applications/", timeout: Wait);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _discord.DisposeAsync();
        _gatewayPort.Stop();
    }

    [Fact]
    public async Task Status_reports_the_gateway_unit_over_ssh_and_the_vllm_container_in_one_embed()
    {
        var interaction = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("status"));

        var edit = await _discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal), Wait);
        var fields = edit.Json!["embeds"]![0]!["fields"]!.AsArray();
        Assert.Equal(3, fields.Count);
        Assert.Contains("container", edit.Body);
        Assert.Contains(_ssh.Calls(), c => c == "systemctl [--user] [is-active] [openclaw-gateway.service]");
    }

    [Fact]
    public async Task Logs_gateway_tails_the_journal_over_ssh_with_the_exact_command()
    {
        _ssh.SetJournal("Nov 25 12:00:00 gw openclaw[1]: gateway ready", "Nov 25 12:00:01 gw openclaw[1]: OPENCLAW_GATEWAY_TOKEN=planted-secret-value");

        var interaction = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("logs", [("service", "gateway"), ("lines", 20)]));

        var edit = await _discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal), Wait);
        Assert.Contains("gateway ready", edit.Body);
        Assert.DoesNotContain("planted-secret-value", edit.Body);
        Assert.Contains("journalctl [--user] [-u] [openclaw-gateway.service] [-n] [20] [--no-pager]", _ssh.Calls());
    }

    /// <summary>Every shape of issue 11's last row, printed by the gateway host's journal, read over the real sshd and posted to Discord.</summary>
    [Fact]
    public async Task Logs_gateway_masks_every_secret_shape_the_journal_prints()
    {
        (string Line, string Secret)[] planted =
        [
            ("openai key sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw", "Ab3dEf6hIj9kLmNoPqRsTuVw"),
            ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
            ("aws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"),
            ("vllm at http://ops:url-password-77@10.0.0.5:8000", "url-password-77"),
            ("clone https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r", "16C7e42F292c6912E7710c838347Ae178B4a"),
            ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "11ABCDEFG0123456789_abcdefghijklmnop"),
            ("hf hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345", "AbCdEfGhIjKlMnOpQrStUvWxYz012345"),
            ("exec vllm serve --api-key cli-flag-key-99 --port 8000", "cli-flag-key-99"),
            ("Authorization: Basic b3BlbmNsYXc6czNjcjN0LXB3", "b3BlbmNsYXc6czNjcjN0LXB3"),
            ("repr {'token': 'python-repr-token-5'}", "python-repr-token-5"),
            ("authorization: bearer lower-bearer-token-6", "lower-bearer-token-6"),
            ("Authorization: Bearer tiny7", "tiny7"),
            ("-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----"),
            ("MIIEowIBAAKCAQEA7bq98cz1LbOg0xSp8lYkzXmXbQ1KzR5wbfBIEMb8NhdAbCdEf", "MIIEowIBAAKCAQEA7bq98cz1LbOg0xSp8lYkzXmXbQ1KzR5wbfBIEMb8NhdAbCdEf"),
            ("-----END RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"),
        ];
        _ssh.SetJournal([.. planted.Select(p => $"Nov 25 12:00:00 gw openclaw[1]: {p.Line}"), "Nov 25 12:00:01 gw openclaw[1]: gateway ready"]);

        var interaction = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("logs", [("service", "gateway"), ("lines", 50)]));

        var edit = await _discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal), Wait);
        Assert.Contains("gateway ready", edit.Body);
        // The key block's markers stay (a reader sees a key was printed); its material and every other secret go.
        foreach (var (line, secret) in planted.Where(p => !p.Secret.StartsWith("-----", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(secret, edit.Body);
        }

        Assert.Contains("BEGIN RSA PRIVATE KEY", edit.Body);
        Assert.True(edit.Body.Split("[REDACTED]").Length - 1 >= planted.Length - 2, edit.Body);
    }

    [Fact]
    public async Task Restart_gateway_after_confirmation_runs_systemctl_restart_over_ssh_and_reports_the_result()
    {
        var command = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("restart", [("service", "gateway")]));
        var prompt = await _discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{command.Id}/", timeout: Wait);
        var confirmId = prompt.Json!["data"]!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();

        var press = await _discord.DispatchInteractionAsync(_discord.Interactions.Button(confirmId, messageId: 1300000000000009999));

        var result = await _discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(press.Token, StringComparison.Ordinal) && r.Body.Contains("Restart: gateway", StringComparison.Ordinal), Wait);
        Assert.Contains("systemctl [--user] [restart] [openclaw-gateway.service]", _ssh.Calls());
        Assert.NotNull(result.Json!["embeds"]![0]);
    }

    [Fact]
    public async Task Smoke_two_plus_two_runs_openclaw_on_the_gateway_host_and_reports_the_reply()
    {
        var interaction = await _discord.DispatchInteractionAsync(_discord.Interactions.SlashCommand("smoke", [("test", "2+2")]));

        var edit = await _discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal)
            && (r.Body.Contains("PASS", StringComparison.OrdinalIgnoreCase) || r.Body.Contains("FAIL", StringComparison.OrdinalIgnoreCase)) && !r.Body.Contains("running", StringComparison.Ordinal), Wait);
        Assert.Contains("2 + 2 = 4", edit.Body);
        Assert.Contains("openclaw [agent] [--local] [--agent] [main] [-m] [What is 2+2?] [--json]", _ssh.Calls());
        Assert.DoesNotContain("vllm-secret-key-42", edit.Body);
    }
}
