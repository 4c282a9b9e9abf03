using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpsBot.FakeDiscord;
using static OpsBot.Tests.Discord.FakeDiscordServerTests;

namespace OpsBot.Tests.Discord;

/// <summary>
/// The fake enforces what Discord enforces (docs/discord.md, reference DISCORD-SUBSET): rate limits with headers on
/// every answer, the invalid-request count, the interaction clock, deferral data, unknown channels, command limits and
/// the gateway's close codes. The bot's own tests then prove it never trips them.
/// </summary>
public sealed class FakeDiscordStrictnessTests
{
    private static readonly string OpsMessages = $"/channels/{FakeInteractions.OpsChannelId}/messages";
    private const string Message = """{"content":"hi","allowed_mentions":{"parse":[]}}""";

    [Fact]
    public async Task Every_answer_advertises_its_bucket_and_a_request_over_it_is_a_429_violation_until_the_window_resets()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = time });
        using var http = Client(server);

        var remaining = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await http.PostAsync(server.RestBaseUrl + OpsMessages, Json(Message));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("channel-messages", Header(response, "X-RateLimit-Bucket"));
            Assert.Equal("5", Header(response, "X-RateLimit-Limit"));
            remaining.Add(Header(response, "X-RateLimit-Remaining"));
        }

        using var over = await http.PostAsync(server.RestBaseUrl + OpsMessages, Json(Message));
        var body = JsonNode.Parse(await over.Content.ReadAsStringAsync())!;
        using var otherChannel = await http.PostAsync(server.RestBaseUrl + $"/channels/{FakeInteractions.AlertsChannelId}/messages", Json(Message));
        time.Advance(TimeSpan.FromSeconds(5));
        using var afterReset = await http.PostAsync(server.RestBaseUrl + OpsMessages, Json(Message));

        Assert.Equal(["4", "3", "2", "1", "0"], remaining);
        Assert.Equal(HttpStatusCode.TooManyRequests, over.StatusCode);
        Assert.Equal("user", Header(over, "X-RateLimit-Scope"));
        Assert.False(body["global"]!.GetValue<bool>());
        Assert.InRange(body["retry_after"]!.GetValue<double>(), 0.001, 5);
        Assert.Equal(HttpStatusCode.OK, otherChannel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterReset.StatusCode);
        Assert.Equal(1, server.RateLimitViolations);
        Assert.Equal(1, server.InvalidRequests);
    }

    [Fact]
    public async Task More_than_fifty_bot_requests_in_a_second_hit_the_global_limit_but_interaction_routes_do_not()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = time });
        using var http = Client(server);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= DefaultRateLimits.GlobalPerSecond; i++)
        {
            using var response = await http.GetAsync(server.RestBaseUrl + $"/guilds/{server.Options.GuildId}/probe{i}");
            statuses.Add(response.StatusCode);
        }

        var interaction = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));
        var callback = await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", """{"type":5}""");

        Assert.All(statuses.Take(DefaultRateLimits.GlobalPerSecond), s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.NoContent, callback.Status);
        Assert.Equal(1, server.RateLimitViolations);
    }

    [Fact]
    public async Task Auth_failures_count_as_invalid_requests()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var anonymous = new HttpClient();

        using var response = await anonymous.PostAsync(server.RestBaseUrl + OpsMessages, Json(Message));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, server.InvalidRequests);
    }

    [Fact]
    public async Task Posting_to_a_channel_that_does_not_exist_is_404_unknown_channel()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var http = Client(server);

        var result = await PostAsync(http, server, "/channels/1234/messages", Message);

        Assert.Equal((HttpStatusCode.NotFound, 10003), (result.Status, result.Code));
    }

    [Fact]
    public async Task The_interaction_token_expires_fifteen_minutes_after_the_interaction()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = time });
        using var http = Client(server);
        var interaction = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));
        var path = $"/webhooks/{server.Options.ApplicationId}/{interaction.Token}/messages/@original";
        await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", """{"type":5}""");

        time.Advance(TimeSpan.FromMinutes(15));
        var lastMoment = await SendAsync(http, server, HttpMethod.Patch, path, """{"content":"x"}""");
        time.Advance(TimeSpan.FromSeconds(1));
        var expired = await SendAsync(http, server, HttpMethod.Patch, path, """{"content":"y"}""");

        Assert.Equal(HttpStatusCode.OK, lastMoment.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, 50027), (expired.Status, expired.Code));
        Assert.Equal("x", interaction.Original!["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type":5}""", HttpStatusCode.NoContent)]
    [InlineData("""{"type":5,"data":{"flags":64}}""", HttpStatusCode.NoContent)]
    [InlineData("""{"type":5,"data":{"flags":0}}""", HttpStatusCode.NoContent)]
    [InlineData("""{"type":5,"data":{"flags":4096}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"type":5,"data":{"content":"thinking"}}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"type":5,"data":{"flags":"64"}}""", HttpStatusCode.BadRequest)]
    public async Task A_deferral_carries_at_most_the_ephemeral_flag(string callback, HttpStatusCode expected)
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = new FakeTimeProvider() });
        using var http = Client(server);
        var interaction = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));

        var result = await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", callback);

        Assert.Equal(expected, result.Status);
        Assert.Equal(expected == HttpStatusCode.NoContent ? 5 : null, interaction.CallbackType);
    }

    public static TheoryData<string, string?> Commands => new()
    {
        { Command(options: """[{"type":3,"name":"service","description":"d","choices":[{"name":"vLLM","value":"vllm"}]}]"""), null },
        { Command(extra: "\"default_member_permissions\":\"32\","), null },
        { Command(extra: "\"default_member_permissions\":32,"), "default_member_permissions" },
        { Command(options: """[{"type":0,"name":"x","description":"d"}]"""), "0.options.0.type" },
        { Command(options: """[{"type":12,"name":"x","description":"d"}]"""), "0.options.0.type" },
        { Command(options: """[{"name":"x","description":"d"}]"""), "0.options.0.type" },
        { Command(options: """[{"type":3,"name":"Service","description":"d"}]"""), "0.options.0.name" },
        { Command(options: """[{"type":3,"name":"s","description":"d","choices":[{"name":"","value":"v"}]}]"""), "0.options.0.choices.0.name" },
        { Command(options: $$"""[{"type":3,"name":"s","description":"d","choices":[{"name":"{{new string('n', 101)}}","value":"v"}]}]"""), "0.options.0.choices.0.name" },
        { Command(options: $$"""[{"type":3,"name":"s","description":"d","choices":[{"name":"n","value":"{{new string('v', 101)}}"}]}]"""), "0.options.0.choices.0.value" },
        { Command(options: """[{"type":3,"name":"s","description":"d","choices":[{"name":"n","value":5}]}]"""), "0.options.0.choices.0.value" },
        { Command(options: """[{"type":4,"name":"n","description":"d","choices":[{"name":"n","value":"5"}]}]"""), "0.options.0.choices.0.value" },
        { Command(options: """[{"type":4,"name":"n","description":"d","choices":[{"name":"n","value":1.5}]}]"""), "0.options.0.choices.0.value" },
        { Command(options: """[{"type":10,"name":"n","description":"d","choices":[{"name":"n","value":1.5}]}]"""), null },
        { Command(options: """[{"type":5,"name":"b","description":"d","choices":[{"name":"n","value":true}]}]"""), "0.options.0.choices.0.value" },
        { Command(options: TooLargeOptions()), "APPLICATION_COMMAND_TOO_LARGE" },
        { Command(options: """[{"type":3,"name":"target","description":"d","autocomplete":true}]"""), null },
        { Command(options: """[{"type":4,"name":"n","description":"d","autocomplete":true}]"""), null },
        { Command(options: """[{"type":10,"name":"n","description":"d","autocomplete":true}]"""), null },
        { Command(options: """[{"type":3,"name":"s","description":"d","autocomplete":false,"choices":[{"name":"n","value":"v"}]}]"""), null },
        { Command(options: """[{"type":3,"name":"s","description":"d","autocomplete":true,"choices":[{"name":"n","value":"v"}]}]"""), "APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE" },
        { Command(options: """[{"type":5,"name":"b","description":"d","autocomplete":true}]"""), "0.options.0.autocomplete" },
        { Command(options: """[{"type":6,"name":"u","description":"d","autocomplete":true}]"""), "0.options.0.autocomplete" },
        { Command(options: """[{"type":3,"name":"s","description":"d","autocomplete":"true"}]"""), "BASE_TYPE_BOOLEAN" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void Command_registration_is_checked_like_discord(string commands, string? problem)
    {
        var result = CommandRules.Validate((JsonArray)JsonNode.Parse(commands)!);

        if (problem is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(problem, result);
        }
    }

    [Theory]
    [InlineData("?v=9&encoding=json", 4012)]
    [InlineData("", 4012)]
    [InlineData("?v=10&encoding=etf", 4002)]
    public async Task A_connect_query_other_than_v10_json_is_closed(string query, int code)
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var socket = await ConnectAsync(server, query);

        Assert.Equal(code, await CloseCodeAsync(socket));
        Assert.Equal(code, (await server.Gateway.WaitForAsync("rule-close")).CloseCode);
    }

    public static TheoryData<string[], int> BrokenSessions => new()
    {
        { ["not json"], 4002 },
        { [$$"""{"op":1,"d":"{{new string('x', 4100)}}"}"""], 4002 },
        { ["""{"op":3,"d":{"status":"online"}}"""], 4003 },
        { [Identify(0), Identify(0)], 4005 },
        { [Identify(1 << 15)], 4014 },
        { [Identify(-1)], 4013 },
        { [Identify(1L << 40)], 4013 },
    };

    [Theory]
    [MemberData(nameof(BrokenSessions))]
    public async Task Payloads_discord_refuses_close_the_session_with_its_code(string[] payloads, int code)
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var socket = await ConnectAsync(server);

        foreach (var payload in payloads)
        {
            await SendFrameAsync(socket, payload);
        }

        Assert.Equal(code, await CloseCodeAsync(socket));
    }

    [Fact]
    public async Task Identify_takes_one_session_start_and_resume_beyond_the_last_sequence_is_4007()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var http = Client(server);
        using (var first = await ConnectAsync(server))
        {
            await SendFrameAsync(first, Identify(0));
            await server.Gateway.WaitForAsync("ready");
        }

        using var second = await ConnectAsync(server);
        await SendFrameAsync(second, new JsonObject
        {
            ["op"] = 6,
            ["d"] = new JsonObject { ["token"] = server.Options.Token, ["session_id"] = server.Gateway.SessionId, ["seq"] = server.Gateway.Sequence + 5 },
        }.ToJsonString());
        var budget = JsonNode.Parse(await http.GetStringAsync(server.RestBaseUrl + "/gateway/bot"))!["session_start_limit"]!;

        Assert.Equal(4007, await CloseCodeAsync(second));
        Assert.Equal(server.Options.SessionStartRemaining - 1, budget["remaining"]!.GetValue<int>());
    }

    [Fact]
    public async Task More_than_120_payloads_in_a_minute_is_4008()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var socket = await ConnectAsync(server);
        await SendFrameAsync(socket, Identify(0));
        await server.Gateway.WaitForAsync("ready");

        // Presence updates, not heartbeats: heartbeats at the advertised pace are not counted (see GatewayConnectionRules).
        for (var i = 0; i < GatewayConnectionRules.MaxPayloadsPerWindow; i++)
        {
            await SendFrameAsync(socket, """{"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}}""");
        }

        Assert.Equal(4008, await CloseCodeAsync(socket));
    }

    [Fact]
    public async Task A_session_without_heartbeats_times_out_with_4009()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = time, HeartbeatTimeout = TimeSpan.FromSeconds(60) });
        using var socket = await ConnectAsync(server);
        await SendFrameAsync(socket, Identify(0));
        await server.Gateway.WaitForAsync("ready");

        time.Advance(TimeSpan.FromSeconds(59));
        await SendFrameAsync(socket, """{"op":1,"d":1}""");
        await server.Gateway.WaitForAsync("heartbeat");
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, server.Gateway.Count("rule-close"));
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(4009, await CloseCodeAsync(socket));
    }

    private static string Identify(long intents) =>
        new JsonObject
        {
            ["op"] = 2,
            ["d"] = new JsonObject
            {
                ["token"] = new FakeDiscordOptions().Token,
                ["intents"] = intents,
                ["properties"] = new JsonObject { ["os"] = "linux", ["browser"] = "test", ["device"] = "test" },
            },
        }.ToJsonString();

    private static string Command(string options = "[]", string extra = "") =>
        $$"""[{"name":"logs","description":"Show logs",{{extra}}"options":{{options}}}]""";

    private static string TooLargeOptions()
    {
        // 25 options of 32 + 100 characters with one choice of 100 + 100 each: 8300, every part within its own limit.
        var options = Enumerable.Range(0, 25).Select(i => new JsonObject
        {
            ["type"] = 3,
            ["name"] = $"option{i:D2}" + new string('x', 24),
            ["description"] = new string('d', 100),
            ["choices"] = new JsonArray(new JsonObject { ["name"] = new string('n', 100), ["value"] = new string('v', 100) }),
        });
        return new JsonArray([.. options]).ToJsonString();
    }

    private static async Task<ClientWebSocket> ConnectAsync(FakeDiscordServer server, string query = "?v=10&encoding=json")
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(server.GatewayUrl + query), CancellationToken.None);
        return socket;
    }

    private static Task SendFrameAsync(ClientWebSocket socket, string payload) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(payload), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>Reads until the server's close frame and returns its code.</summary>
    private static async Task<int> CloseCodeAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (int)result.CloseStatus!.Value;
            }
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : string.Empty;
}
