using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NSubstitute;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Ops;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>ProxyDirect smoke test and proxy restart against a Kestrel stand-in for the proxy on 127.0.0.1.</summary>
public sealed class ProxyDirectAndRestartTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private string _mode = "ok";
    private bool _healthy = true;
    private string? _lastRequestBody;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/health", () => _healthy ? Results.Ok() : Results.StatusCode(503));
        _app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"Qwen/Qwen3-Coder-Next-FP8","object":"model"}]}""", "application/json"));
        _app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            _lastRequestBody = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            var events = _mode switch
            {
                "no-done" => Chunks.Take(3),
                "error" => [Chunks[0], """{"error":{"message":"Expecting value: line 1 column 1","type":"BadRequestError","param":null,"code":400}}""", "[DONE]"],
                _ => Chunks,
            };
            foreach (var data in events)
            {
                await context.Response.WriteAsync($"data: {data}\n\n");
                await context.Response.Body.FlushAsync();
            }
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly string[] Chunks =
    [
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_0123456789abcdef01234567","type":"function","index":0,"function":{"name":"exec","arguments":""}}]},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"command\": \"ls /tmp\"}"}}]},"logprobs":null,"finish_reason":null}]}""",
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls","stop_reason":null}]}""",
        """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":120,"total_tokens":140,"completion_tokens":20}}""",
        "[DONE]",
    ];

    private Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private OpsServices Services() => new(new Dictionary<string, string?>
    {
        ["Ops:Proxy:BaseUrl"] = BaseUrl.ToString(),
        ["Ops:Proxy:SmokeTestTimeout"] = "00:00:10",
        ["Ops:Proxy:RestartReadyTimeout"] = "00:00:05",
        ["Ops:Proxy:ReadyPollInterval"] = "00:00:00.100",
        ["Ops:Restart:Cooldown"] = "00:00:00",
    });

    [Fact]
    public async Task ProxyDirect_passes_when_the_stream_parses_and_ends_with_done()
    {
        await using var ops = Services();

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.ProxyDirect, null, CancellationToken.None);

        Assert.True(result.Passed, result.Failure);
        Assert.Contains("""tool call exec({"command": "ls /tmp"})""", result.Reply);
        Assert.Contains("finish_reason=tool_calls", result.Reply);
        Assert.Contains("\"stream\":true", _lastRequestBody);
        Assert.Contains("\"model\":\"Qwen/Qwen3-Coder-Next-FP8\"", _lastRequestBody);
        Assert.Contains("\"tools\":[", _lastRequestBody);
    }

    [Fact]
    public async Task ProxyDirect_fails_when_the_stream_ends_without_done()
    {
        _mode = "no-done";
        await using var ops = Services();

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.ProxyDirect, null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("stream ended without data: [DONE] after 3 events", result.Failure);
    }

    [Fact]
    public async Task ProxyDirect_fails_on_an_error_event_mid_stream()
    {
        _mode = "error";
        await using var ops = Services();

        var result = await ops.Get<ISmokeTestService>().RunAsync(SmokeTestKind.ProxyDirect, null, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("stream error: Expecting value: line 1 column 1", result.Failure);
    }

    [Fact]
    public async Task Proxy_restart_calls_the_listener_then_waits_for_its_health()
    {
        _healthy = false;
        await using var ops = Services();
        ops.ProxyListener.RestartAsync(Arg.Any<CancellationToken>()).Returns(call =>
        {
            // The listener comes back a moment after RestartAsync returns, as Kestrel does.
            _ = Task.Delay(300).ContinueWith(_ => _healthy = true, TaskScheduler.Default);
            return Task.CompletedTask;
        });

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Proxy, "erin", null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        await ops.ProxyListener.Received(1).RestartAsync(Arg.Any<CancellationToken>());
        Assert.InRange(result.TimeToHealthy!.Value, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Proxy_restart_that_never_gets_healthy_reports_the_last_answer()
    {
        _healthy = false;
        await using var ops = Services();

        var result = await ops.Get<IRestartService>().RestartAsync(StackService.Proxy, "erin", null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("proxy not healthy within 5 s after restart (last: /health answered 503)", result.Message);
    }
}
