using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;
using OpsBot.Discord;
using OpsBot.FakeDiscord;
using OpsBot.Ops;

namespace OpsBot.Tests.Discord;

public sealed class DiscordRestTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(8);

    private const string ExpectedCommands =
        """
        [{"name":"status","type":1,"description":"Show the health of vLLM, the proxy and the OpenClaw gateway"},
        {"name":"logs","type":1,"description":"Show the last lines of a service log","options":[
        {"type":3,"name":"service","description":"Whose log to show","required":true,"choices":[{"name":"vllm","value":"vllm"},{"name":"proxy","value":"proxy"},{"name":"gateway","value":"gateway"}]},
        {"type":4,"name":"lines","description":"How many lines (1-500, default 50)","required":false,"min_value":1,"max_value":500},
        {"type":3,"name":"target","description":"Which gateway or vLLM, when several are configured (default: the first)","required":false,"autocomplete":true}]},
        {"name":"restart","type":1,"description":"Restart one service (asks for confirmation)","default_member_permissions":"0","options":[
        {"type":3,"name":"service","description":"Service to restart","required":true,"choices":[{"name":"vllm","value":"vllm"},{"name":"proxy","value":"proxy"},{"name":"gateway","value":"gateway"}]},
        {"type":3,"name":"target","description":"Which gateway or vLLM, when several are configured","required":false,"autocomplete":true}]},
        {"name":"smoke","type":1,"description":"Run a smoke test against the live stack","default_member_permissions":"0","options":[
        {"type":3,"name":"test","description":"Which smoke test to run","required":true,"choices":[{"name":"proxy-direct","value":"proxy-direct"},{"name":"2+2","value":"2+2"},{"name":"list-tmp","value":"list-tmp"},{"name":"all","value":"all"}]},
        {"type":3,"name":"target","description":"Which gateway, when several are configured (default: each in turn)","required":false,"autocomplete":true}]},
        {"name":"silence","type":1,"description":"Hold back alerts for a service for some minutes","default_member_permissions":"0","options":[
        {"type":3,"name":"target","description":"Which alerts to hold back","required":true,"choices":[{"name":"vllm","value":"vllm"},{"name":"proxy","value":"proxy"},{"name":"gateway","value":"gateway"},{"name":"no-reply","value":"no-reply"},{"name":"all","value":"all"}]},
        {"type":4,"name":"minutes","description":"For how long, in minutes (at most Alerts:MaxSilenceMinutes, default 1440)","required":true,"min_value":1,"max_value":10080}]},
        {"name":"unsilence","type":1,"description":"Post alerts for a service again","default_member_permissions":"0","options":[
        {"type":3,"name":"target","description":"Which alerts to post again","required":true,"choices":[{"name":"vllm","value":"vllm"},{"name":"proxy","value":"proxy"},{"name":"gateway","value":"gateway"},{"name":"no-reply","value":"no-reply"},{"name":"all","value":"all"}]}]},
        {"name":"history","type":1,"description":"Show recent incidents, alerts, restarts, smoke tests and traffic","options":[
        {"type":3,"name":"kind","description":"What to show (default all)","required":false,"choices":[{"name":"all","value":"all"},{"name":"incidents","value":"incidents"},{"name":"alerts","value":"alerts"},{"name":"restarts","value":"restarts"},{"name":"smoke","value":"smoke"},{"name":"traffic","value":"traffic"}]},
        {"type":4,"name":"hours","description":"How far back (1-2160, default 24)","required":false,"min_value":1,"max_value":2160}]},
        {"name":"chart","type":1,"description":"Chart proxy traffic, latency and vLLM's KV cache from history","options":[
        {"type":3,"name":"range","description":"How far back (default 24h)","required":false,"choices":[{"name":"last hour","value":"1h"},{"name":"last 24 h","value":"24h"},{"name":"last 7 days","value":"7d"}]}]}]
        """;

    [Fact]
    public async Task Commands_are_bulk_overwritten_at_start_with_the_exact_command_json()
    {
        await using var bot = await BotHarness.StartAsync();

        var put = await bot.Discord.WaitForRequestAsync("PUT", "/api/v10/applications/");

        Assert.Equal($"/api/v10/applications/{bot.Discord.Options.ApplicationId}/guilds/{bot.Discord.Options.GuildId}/commands", put.Path);
        Assert.Equal(200, put.Status);
        Assert.Equal(ExpectedCommands.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal), put.Body);
        Assert.StartsWith("application/json", put.ContentType);
        await bot.Logs.WaitForAsync(e => e.Message.Contains("Registered 8 Discord commands", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_commands_are_registered_hidden_from_members_without_permissions_and_the_rest_visible()
    {
        await using var bot = await BotHarness.StartAsync();

        await bot.Discord.WaitForRequestAsync("PUT", "/api/v10/applications/");

        var permissions = bot.Discord.RegisteredCommands!.ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["default_member_permissions"]?.GetValue<string>());
        Assert.Equal(
            new Dictionary<string, string?> { ["status"] = null, ["logs"] = null, ["restart"] = "0", ["smoke"] = "0", ["silence"] = "0", ["unsilence"] = "0", ["history"] = null, ["chart"] = null },
            permissions);
    }

    [Fact]
    public async Task Every_request_carries_bot_authorization_and_a_discordbot_user_agent()
    {
        await using var bot = await BotHarness.StartAsync();

        var requests = bot.Discord.Requests.Snapshot();
        Assert.NotEmpty(requests);
        Assert.All(requests, r =>
        {
            Assert.Equal("Bot " + bot.Discord.Options.Token, r.Headers["Authorization"]);
            Assert.Matches(@"^DiscordBot \(https?://\S+, \d+\.\d+\.\d+\S*\)", r.Headers["User-Agent"]);
            Assert.NotEqual(401, r.Status);
            Assert.NotEqual(403, r.Status);
        });
    }

    [Fact]
    public async Task Route_429_is_waited_out_for_retry_after_and_then_retried()
    {
        await using var bot = await BotHarness.StartAsync();
        var sender = bot.Host.Services.GetRequiredService<IDiscordMessageSender>();
        bot.Discord.InjectRateLimit(new InjectedRateLimit("POST", "/channels/", 0.4, Global: false));

        var id = await sender.SendAsync(FakeInteractions.AlertsChannelId, DiscordMessage.FromText("vllm is DOWN"), CancellationToken.None);

        Assert.NotNull(id);
        var calls = bot.Discord.Requests.Snapshot().Where(r => r.Is("POST", "/api/v10/channels/")).ToList();
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(380), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
        Assert.Equal(calls[0].Json!["nonce"]!.GetValue<string>(), calls[1].Json!["nonce"]!.GetValue<string>());
        Assert.True(bot.Logs.Contains("Discord rate limit on POST /channels/{channel_id}/messages", LogLevel.Warning));
    }

    [Fact]
    public async Task Global_429_pauses_requests_on_other_routes_until_it_expires()
    {
        await using var bot = await BotHarness.StartAsync();
        var sender = bot.Host.Services.GetRequiredService<IDiscordMessageSender>();
        bot.Discord.InjectRateLimit(new InjectedRateLimit("POST", "/channels/", 0.5, Global: true));

        var first = sender.SendAsync(FakeInteractions.AlertsChannelId, DiscordMessage.FromText("one"), CancellationToken.None);
        var limited = await bot.Discord.Requests.WaitForAsync(r => r.Status == 429, Wait);

        // The server recorded the 429; wait until the bot has read it too, or the second send could legitimately go first.
        await bot.Logs.WaitForAsync(e => e.Message.Contains("Discord rate limit on", StringComparison.Ordinal));
        var second = await sender.SendAsync(FakeInteractions.OpsChannelId, DiscordMessage.FromText("two"), CancellationToken.None);
        await first;

        var secondCall = bot.Discord.Requests.Snapshot().Single(r => r.Is("POST", $"/api/v10/channels/{FakeInteractions.OpsChannelId}/"));
        Assert.Equal(200, secondCall.Status);
        Assert.True(secondCall.At - limited.At >= TimeSpan.FromMilliseconds(450), $"second route went out {(secondCall.At - limited.At).TotalMilliseconds} ms after the global 429");
        Assert.NotNull(second);
    }

    [Fact]
    public async Task Bucket_headers_are_honoured_so_the_limit_is_never_exceeded()
    {
        await using var bot = await BotHarness.StartAsync();
        var sender = bot.Host.Services.GetRequiredService<IDiscordMessageSender>();
        bot.Discord.AddRateLimitRule(new RateLimitRule("POST", "/channels/", Limit: 2, Window: TimeSpan.FromMilliseconds(700), Bucket: "abcd1234"));

        for (var i = 0; i < 5; i++)
        {
            await sender.SendAsync(FakeInteractions.AlertsChannelId, DiscordMessage.FromText($"alert {i}"), CancellationToken.None);
        }

        var calls = bot.Discord.Requests.Snapshot().Where(r => r.Is("POST", "/api/v10/channels/")).ToList();
        Assert.Equal(0, bot.Discord.RateLimitViolations);
        Assert.Equal(5, calls.Count);
        Assert.All(calls, c => Assert.Equal(200, c.Status));
        Assert.True(calls[2].At - calls[0].At >= TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public async Task Channel_messages_with_attachments_go_out_as_multipart_with_payload_json()
    {
        await using var bot = await BotHarness.StartAsync();
        var sender = bot.Host.Services.GetRequiredService<IDiscordMessageSender>();
        var message = new DiscordMessage
        {
            Content = $"<@&{FakeInteractions.OpsRoleId}> **vllm is DOWN**",
            Embeds = [new DiscordEmbed { Title = "ALERT vllm unhealthy", Color = DiscordColors.Red, Fields = [new("Host", "lab-01", true)], Description = new string('x', 5000) }],
            Attachments = [new DiscordAttachment("vllm-tail.log", "line 1\nline 2\n"u8.ToArray(), "journalctl -u vllm")],
            AllowedMentions = DiscordAllowedMentions.Role(FakeInteractions.OpsRoleId),
        };

        await sender.SendAsync(FakeInteractions.AlertsChannelId, message, CancellationToken.None);

        var call = await bot.Discord.WaitForRequestAsync("POST", "/api/v10/channels/");
        Assert.Equal(200, call.Status);
        Assert.Equal("line 1\nline 2\n", Assert.Single(call.Files).Text);
        var json = call.Json!;
        Assert.Equal(4096, json["embeds"]![0]!["description"]!.GetValue<string>().Length);
        Assert.Equal(FakeInteractions.OpsRoleId.ToString(CultureInfo.InvariantCulture), json["allowed_mentions"]!["roles"]![0]!.GetValue<string>());
        Assert.Null(json["allowed_mentions"]!["parse"]);
        Assert.Equal(0, json["attachments"]![0]!["id"]!.GetValue<int>());
    }

    [Fact]
    public async Task Tokens_never_appear_in_captured_logs()
    {
        await using var bot = await BotHarness.StartAsync(c => c["Discord:RestMaxRetries"] = "1");
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns<StackStatus>(_ => throw new InvalidOperationException("probe failed"));
        bot.Discord.InjectRateLimit(new InjectedRateLimit("POST", "/interactions/", 0.1, Global: false));

        var status = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        var refused = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "vllm")], userId: FakeInteractions.BobUserId, roles: []));
        await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{refused.Id}/", timeout: Wait);
        await bot.Discord.Gateway.SendReconnectAsync();
        await bot.Discord.Gateway.WaitForAsync("resumed", timeout: Wait);
        await bot.Discord.Gateway.CloseAsync(4004);
        await bot.Logs.WaitForAsync(e => e.Message.Contains("4004", StringComparison.Ordinal));

        var entries = bot.Logs.Entries;
        Assert.True(entries.Count > 10);
        foreach (var secret in new[] { bot.Discord.Options.Token, status.Token, refused.Token })
        {
            Assert.DoesNotContain(entries, e => e.ToString().Contains(secret, StringComparison.Ordinal));
        }
    }
}
