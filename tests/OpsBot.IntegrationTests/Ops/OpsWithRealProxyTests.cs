using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsBot.IntegrationTests.Infrastructure;
using OpsBot.Ops;
using OpsBot.VllmSimulator;

namespace OpsBot.IntegrationTests.Ops;

/// <summary>
/// AddOps next to the real proxy host (OpsBotHost.AddServices) in front of the vLLM simulator:
/// the ProxyDirect smoke test, the proxy restart and /logs proxy go through the real listener.
/// </summary>
public sealed class OpsWithRealProxyTests : IAsyncLifetime
{
    private VllmSimulatorServer _vllm = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _vllm = await VllmSimulatorServer.StartAsync();
        _host = await RealProxyHost.StartAsync(_vllm);
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        await _vllm.DisposeAsync();
    }

    private T Get<T>()
        where T : notnull => _host.Services.GetRequiredService<T>();

    [Fact]
    public async Task ProxyDirect_streams_through_the_real_proxy_and_the_proxy_log_records_the_completion()
    {
        var result = await Get<ISmokeTestService>().RunAsync(SmokeTestKind.ProxyDirect, null, CancellationToken.None);

        Assert.True(result.Passed, $"{result.Failure}: {result.Reply}");
        var request = Assert.Single(_vllm.ChatRequests);
        Assert.Contains("\"stream\":true", request.Body);
        // The completion event is logged just after the last byte reached the client; allow it a moment.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        LogTail tail;
        do
        {
            tail = await Get<ILogTailService>().TailAsync(StackService.Proxy, 20, CancellationToken.None);
        }
        while (!tail.Lines.Any(IsCompletion) && DateTime.UtcNow < deadline && await Delay());

        Assert.Contains(tail.Lines, IsCompletion);

        static bool IsCompletion(string line) => line.Contains("completion model=") && line.Contains("stream=True");
        static async Task<bool> Delay()
        {
            await Task.Delay(50);
            return true;
        }
    }

    [Fact]
    public async Task Status_sees_vllm_healthy_and_the_proxy_listening()
    {
        var status = await Get<IStatusService>().GetStatusAsync(CancellationToken.None);

        var vllm = status.Services.Single(s => s.Service == StackService.Vllm);
        var proxy = status.Services.Single(s => s.Service == StackService.Proxy);
        Assert.Equal((HealthState.Healthy, $"serving {_vllm.ModelName}"), (vllm.State, vllm.Summary));
        Assert.Equal(HealthState.Healthy, proxy.State);
        Assert.StartsWith("http://127.0.0.1:", proxy.Details.Single(d => d.Key == "listener").Value);
    }

    [Fact]
    public async Task Proxy_restart_recycles_the_real_listener_and_waits_for_its_health()
    {
        var before = Get<IProxyListener>().LocalAddress;

        var result = await Get<IRestartService>().RestartAsync(StackService.Proxy, "frank", null, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.True(Get<IProxyListener>().IsRunning);
        Assert.NotNull(before);
        Assert.NotNull(result.TimeToHealthy);
    }
}
