using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>A vLLM simulator and the real proxy in front of it, both on free loopback ports.</summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    private readonly WebApplication _proxy;

    private ProxyHarness(VllmSimulatorServer simulator, WebApplication proxy, CompletionRecorder recorder, ProxyLogs logs)
    {
        Simulator = simulator;
        _proxy = proxy;
        Completions = recorder;
        Logs = logs;
        ProxyUrl = proxy.GetListenUri();
        // No draining on cancel: a cancelled request closes its connection at once, as agents' clients do.
        Http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = ProxyUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public VllmSimulatorServer Simulator { get; }

    public Uri ProxyUrl { get; }

    public HttpClient Http { get; }

    public CompletionRecorder Completions { get; }

    /// <summary>What the proxy logged, Information and up.</summary>
    public ProxyLogs Logs { get; }

    public IServiceProvider Services => _proxy.Services;

    public static async Task<ProxyHarness> StartAsync(Action<ProxyOptions>? configure = null, SimulatorOptions? simulatorOptions = null)
    {
        var simulator = await VllmSimulatorServer.StartAsync(simulatorOptions);
        var recorder = new CompletionRecorder();
        var logs = new ProxyLogs();
        var proxy = ProxyApplication.Build(
            o =>
            {
                o.VllmUrl = simulator.BaseUrl.ToString().TrimEnd('/');
                o.Host = "127.0.0.1";
                o.Port = 0;
                configure?.Invoke(o);
            },
            services =>
            {
                services.AddSingleton<ICompletionObserver>(recorder);
                services.AddSingleton<ILoggerProvider>(logs);
            });
        await proxy.StartAsync();
        return new ProxyHarness(simulator, proxy, recorder, logs);
    }

    /// <summary>The v4 path: streaming tool requests answered from a non-streaming vLLM call.</summary>
    public static Task<ProxyHarness> StartBufferedAsync(Action<ProxyOptions>? configure = null) =>
        StartAsync(o =>
        {
            o.ToolStreaming = ToolStreamingMode.Buffer;
            configure?.Invoke(o);
        });

    public static Task<ProxyHarness> StartAsync(ToolStreamingMode mode, SimulatorOptions? simulatorOptions = null) =>
        StartAsync(o => o.ToolStreaming = mode, simulatorOptions);

    /// <summary>A proxy pointed at a port nothing listens on, failing at once as v4 did (no restart wait).</summary>
    public static async Task<ProxyHarness> StartWithoutUpstreamAsync(Action<ProxyOptions>? configure = null)
    {
        var harness = await StartAsync(o =>
        {
            o.UpstreamWait = TimeSpan.Zero;
            configure?.Invoke(o);
        });
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
