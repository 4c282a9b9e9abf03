using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Tests.Infrastructure;

namespace OpsBot.ProxyCore.Tests.Proxy;

/// <summary>Proxy:ApiKeys: optional inbound keys on /v1/* and /metrics; unset, the proxy stays the open drop-in.</summary>
public sealed class AuthenticationTests
{
    private const string Key = "opsbot-key-0123456789";
    private const string OtherKey = "second-key-abcdefghij";

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-key-0123456789")]
    [InlineData("Bearer " + Key + "x")]
    [InlineData("Basic b3BzYm90OmtleQ==")]
    [InlineData(Key)]
    public async Task Without_one_of_the_keys_chat_gets_an_openai_401_as_json_even_when_streaming(string? authorization)
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.ApiKeys = [Key, OtherKey]);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(ChatBodies.Create(stream: true, "exec")) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal(401, error.GetProperty("code").GetInt32());
        Assert.Contains("Proxy:ApiKeys", error.GetProperty("message").GetString());
        Assert.Empty(harness.Simulator.Requests);
        Assert.All(harness.Logs.Lines, l => Assert.DoesNotContain(Key, l.ToString()));
    }

    [Theory]
    [InlineData("Bearer " + Key)]
    [InlineData("Bearer " + OtherKey)]
    [InlineData("bearer " + Key)]
    public async Task Any_configured_key_lets_chat_through_and_reaches_vllm_as_before(string authorization)
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.ApiKeys = [Key, OtherKey]);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBodies.Content(ChatBodies.Create(stream: true, "exec")) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await harness.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("4", StreamedAnswer.Assemble(SseEvents.ParseWithSdk(await response.Content.ReadAsStringAsync())).Text);
        // OpenClaw's apiKey doubles as vLLM's own --api-key: the header is forwarded as it always was.
        Assert.Equal(authorization, Assert.Single(harness.Simulator.ChatRequests).Headers["Authorization"]);
        Assert.All(harness.Logs.Lines, l => Assert.DoesNotContain(Key, l.ToString()));
    }

    [Fact]
    public async Task Metrics_and_passthrough_need_the_key_health_and_root_stay_open_and_show_no_key()
    {
        await using var harness = await ProxyHarness.StartAsync(o => o.ApiKeys = [Key]);

        using var metrics = await harness.Http.GetAsync("/metrics");
        using var models = await harness.Http.GetAsync("/v1/models");
        var health = await harness.Http.GetStringAsync("/health");
        var root = await harness.Http.GetStringAsync("/");
        harness.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var metricsWithKey = await harness.Http.GetAsync("/metrics");
        using var modelsWithKey = await harness.Http.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metricsWithKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, modelsWithKey.StatusCode);
        Assert.Equal("ok", JsonDocument.Parse(health).RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain(Key, health + root);
    }

    [Fact]
    public async Task Without_keys_the_proxy_stays_open_as_the_python_proxy_was()
    {
        await using var harness = await ProxyHarness.StartAsync();

        using var chat = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: false, "exec")));
        using var metrics = await harness.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public void Keys_are_compared_whole_whatever_their_length()
    {
        var check = new ApiKeyCheck([Key]);

        Assert.True(check.IsAuthorized("Bearer " + Key));
        Assert.False(check.IsAuthorized("Bearer " + Key[..^1]));
        Assert.False(check.IsAuthorized("Bearer " + Key + Key));
        Assert.False(check.IsAuthorized("Bearer "));
        Assert.False(check.IsAuthorized(new Microsoft.Extensions.Primitives.StringValues(["Bearer " + Key, "Bearer x"])));
        Assert.False(new ApiKeyCheck([]).Enabled);
    }
}
