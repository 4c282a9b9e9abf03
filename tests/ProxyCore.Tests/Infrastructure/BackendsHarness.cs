using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Proxy.Backends;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>Several vLLM simulators behind one real proxy (<c>--vllm-url a,b,c</c>), all on free loopback ports.</summary>
public sealed class BackendsHarness : IAsyncDisposable
{
    private readonly WebApplication _proxy;

    private BackendsHarness(VllmSimulatorServer[] simulators, WebApplication proxy, CompletionRecorder recorder, ProxyLogs logs)
    {
        Simulators = simulators;
        _proxy = proxy;
        Completions = recorder;
        Logs = logs;
        Http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = proxy.GetListenUri(), Timeout = TimeSpan.FromSeconds(60) };
    }

    public IReadOnlyList<VllmSimulatorServer> Simulators { get; }

    public HttpClient Http { get; }

    public CompletionRecorder Completions { get; }

    public ProxyLogs Logs { get; }

    /// <summary>The proxy's view of the backends, in <see cref="Simulators"/>' order.</summary>
    public VllmBackends Backends => _proxy.Services.GetRequiredService<VllmBackends>();

    /// <param name="time">The proxy's clock (health probes, cool-downs); the simulators keep real time.</param>
    public static async Task<BackendsHarness> StartAsync(int count = 3, Action<ProxyOptions>? configure = null, TimeProvider? time = null)
    {
        var simulators = new VllmSimulatorServer[count];
        for (var i = 0; i < count; i++)
        {
            simulators[i] = await VllmSimulatorServer.StartAsync();
        }

        var recorder = new CompletionRecorder();
        var logs = new ProxyLogs();
        var proxy = ProxyApplication.Build(
            o =>
            {
                o.VllmUrl = string.Join(",", simulators.Select(s => s.BaseUrl.ToString().TrimEnd('/')));
                o.Host = "127.0.0.1";
                o.Port = 0;
                configure?.Invoke(o);
            },
            services =>
            {
                services.AddSingleton<ICompletionObserver>(recorder);
                services.AddSingleton<ILoggerProvider>(logs);
                if (time is not null)
                {
                    services.AddSingleton(time);
                }
            });
        await proxy.StartAsync();
        return new BackendsHarness(simulators, proxy, recorder, logs);
    }

    /// <summary>Index of the simulator that received chat requests of the conversation whose first user message is <paramref name="task"/>.</summary>
    public int[] ServedBy(string task) =>
        Enumerable.Range(0, Simulators.Count)
            .Where(i => Simulators[i].ChatRequests.Any(r => FirstUserMessage(r) == task))
            .ToArray();

    private static string? FirstUserMessage(RecordedRequest request) =>
        request.Json?.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _proxy.StopAsync();
        await _proxy.DisposeAsync();
        foreach (var simulator in Simulators)
        {
            await simulator.DisposeAsync();
        }
    }
}
