using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>A vLLM simulator and the real proxy in front of it, both on free loopback ports.</summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    private readonly WebApplication _proxy;

    private ProxyHarness(VllmSimulatorServer simulator, WebApplication proxy, CompletionRecorder recorder)
    {
        Simulator = simulator;
        _proxy = proxy;
        Completions = recorder;
        ProxyUrl = proxy.GetListenUri();
        Http = new HttpClient { BaseAddress = ProxyUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public VllmSimulatorServer Simulator { get; }

    public Uri ProxyUrl { get; }

    public HttpClient Http { get; }

    public CompletionRecorder Completions { get; }

    public IServiceProvider Services => _proxy.Services;

    public static async Task<ProxyHarness> StartAsync(Action<ProxyOptions>? configure = null, SimulatorOptions? simulatorOptions = null)
    {
        var simulator = await VllmSimulatorServer.StartAsync(simulatorOptions);
        var recorder = new CompletionRecorder();
        var proxy = ProxyApplication.Build(
            o =>
            {
                o.VllmUrl = simulator.BaseUrl.ToString().TrimEnd('/');
                o.Host = "127.0.0.1";
                o.Port = 0;
                configure?.Invoke(o);
            },
            services => services.AddSingleton<ICompletionObserver>(recorder));
        await proxy.StartAsync();
        return new ProxyHarness(simulator, proxy, recorder);
    }

    /// <summary>A proxy pointed at a port nothing listens on.</summary>
    public static async Task<ProxyHarness> StartWithoutUpstreamAsync(Action<ProxyOptions>? configure = null)
    {
        var harness = await StartAsync(configure);
        await harness.Simulator.StopAsync();
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _proxy.StopAsync();
        await _proxy.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
