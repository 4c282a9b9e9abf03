using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using OpsBot.FakeDiscord;

namespace OpsBot.Tests.Discord;

/// <summary>The fake must enforce Discord's rules, or the end-to-end tests would pass against behaviour Discord rejects.</summary>
public sealed class FakeDiscordServerTests
{
    [Fact]
    public async Task Callbacks_follow_discords_once_only_and_deadline_rules()
    {
        var time = new FakeTimeProvider();
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = time });
        using var http = Client(server);
        var first = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));
        var late = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));

        var ok = await PostAsync(http, server, $"/interactions/{first.Id}/{first.Token}/callback", """{"type":5}""");
        var twice = await PostAsync(http, server, $"/interactions/{first.Id}/{first.Token}/callback", """{"type":4,"data":{"content":"x"}}""");
        var unknown = await PostAsync(http, server, $"/interactions/1/{first.Token}/callback", """{"type":5}""");
        time.Advance(TimeSpan.FromSeconds(3));
        var justInTime = await PostAsync(http, server, $"/interactions/{late.Id}/{late.Token}/callback", """{"type":4,"data":{"content":"x"}}""");
        var lateToo = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));
        time.Advance(TimeSpan.FromSeconds(3) + TimeSpan.FromMilliseconds(1));
        var tooLate = await PostAsync(http, server, $"/interactions/{lateToo.Id}/{lateToo.Token}/callback", """{"type":5}""");
        var update = await PostAsync(http, server, $"/interactions/{first.Id}/{first.Token}/callback", """{"type":7,"data":{"content":"x"}}""");

        Assert.Equal(HttpStatusCode.NoContent, ok.Status);
        Assert.Equal((HttpStatusCode.BadRequest, 40060), (twice.Status, twice.Code));
        Assert.Equal((HttpStatusCode.NotFound, 10062), (unknown.Status, unknown.Code));
        Assert.Equal(HttpStatusCode.NoContent, justInTime.Status);
        Assert.Equal((HttpStatusCode.NotFound, 10062), (tooLate.Status, tooLate.Code));
        Assert.Equal(HttpStatusCode.BadRequest, update.Status);
    }

    [Fact]
    public async Task Bad_auth_user_agent_and_over_long_messages_are_rejected()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var http = Client(server);
        var body = """{"content":"hi","allowed_mentions":{"parse":[]}}""";

        using var noAuth = new HttpRequestMessage(HttpMethod.Post, server.RestBaseUrl + $"/channels/{FakeInteractions.OpsChannelId}/messages") { Content = Json(body) };
        noAuth.Headers.TryAddWithoutValidation("User-Agent", "DiscordBot (https://example.invalid, 1.0)");
        var unauthorized = await new HttpClient().SendAsync(noAuth);
        using var browser = new HttpRequestMessage(HttpMethod.Post, server.RestBaseUrl + $"/channels/{FakeInteractions.OpsChannelId}/messages") { Content = Json(body) };
        browser.Headers.Authorization = new AuthenticationHeaderValue("Bot", server.Options.Token);
        browser.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0");
        var forbidden = await new HttpClient().SendAsync(browser);
        var tooLong = await PostAsync(http, server, $"/channels/{FakeInteractions.OpsChannelId}/messages", new JsonObject { ["content"] = new string('x', 2001) }.ToJsonString());
        var fine = await PostAsync(http, server, $"/channels/{FakeInteractions.OpsChannelId}/messages", body);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, 50035), (tooLong.Status, tooLong.Code));
        Assert.Equal(HttpStatusCode.OK, fine.Status);
    }

    [Fact]
    public async Task Webhook_edits_need_an_acknowledged_interaction()
    {
        // A clock that stands still: the 3 s deadline is not what this test is about, and a loaded machine may take longer.
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { TimeProvider = new FakeTimeProvider() });
        using var http = Client(server);
        var interaction = await server.DispatchInteractionAsync(server.Interactions.SlashCommand("status"));
        var path = $"/webhooks/{server.Options.ApplicationId}/{interaction.Token}/messages/@original";

        var before = await SendAsync(http, server, HttpMethod.Patch, path, """{"content":"x"}""");
        await PostAsync(http, server, $"/interactions/{interaction.Id}/{interaction.Token}/callback", """{"type":5}""");
        var after = await SendAsync(http, server, HttpMethod.Patch, path, """{"content":"x"}""");

        Assert.Equal((HttpStatusCode.NotFound, 10015), (before.Status, before.Code));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal("x", interaction.Original!["content"]!.GetValue<string>());
    }

    internal static HttpClient Client(FakeDiscordServer server)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bot", server.Options.Token);
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", "DiscordBot (https://example.invalid/opsbot, 1.0.0)");
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static Task<(HttpStatusCode Status, int? Code)> PostAsync(HttpClient http, FakeDiscordServer server, string path, string body) =>
        SendAsync(http, server, HttpMethod.Post, path, body);

    internal static async Task<(HttpStatusCode Status, int? Code)> SendAsync(HttpClient http, FakeDiscordServer server, HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, server.RestBaseUrl + path) { Content = Json(body) };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var code = text.Length > 0 ? JsonNode.Parse(text)?["code"]?.GetValue<int>() : null;
        return (response.StatusCode, code);
    }
}
