using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Ops;
using OpsBot.VllmSimulator;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>
/// With Proxy:ApiKeys set the proxy refuses callers without a key, OpsBot's own callers included: the ProxyDirect
/// smoke test and the restart check must send one, and the key never shows in what Ops reports.
/// </summary>
public sealed class OpsWithProxyKeysTests : IAsyncLifetime
{
    private const string Key = "opsbot-inbound-key-0123456789";

    private VllmSimulatorServer _vllm = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _vllm = await VllmSimulatorServer.StartAsync();
        _host = await RealProxyHost.StartAsync(_vllm, new Dictionary<string, string?> { ["Proxy:ApiKeys:0"] = Key });
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _vllm.DisposeAsync();
    }

    [Fact]
    public async Task The_proxy_direct_smoke_test_sends_the_key_a_stranger_gets_401_and_the_key_never_shows()
    {
        var listener = _host.Services.GetRequiredService<IProxyListener>();
        using var stranger = new HttpClient { BaseAddress = listener.LocalAddress };

        var result = await _host.Services.GetRequiredService<ISmokeTestService>().RunAsync(SmokeTestKind.ProxyDirect, null, CancellationToken.None);
        using var refused = await stranger.GetAsync("/v1/models");
        var restart = await _host.Services.GetRequiredService<IRestartService>().RestartAsync(StackService.Proxy, "test", null, CancellationToken.None);
        var tail = await _host.Services.GetRequiredService<ILogTailService>().TailAsync(StackService.Proxy, 100, CancellationToken.None);

        Assert.True(result.Passed, $"{result.Failure}: {result.Reply}");
        Assert.Equal($"Bearer {Key}", Assert.Single(_vllm.ChatRequests).Headers["Authorization"]);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.True(restart.Succeeded, restart.Message);
        Assert.Contains(tail.Lines, l => l.Contains("Refused GET /v1/models", StringComparison.Ordinal));
        Assert.DoesNotContain(tail.Lines, l => l.Contains(Key, StringComparison.Ordinal));
    }
}
