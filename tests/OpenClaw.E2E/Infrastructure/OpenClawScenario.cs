using OpsBot.VllmSimulator;
using Xunit.Abstractions;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// The whole chain for one test: the vLLM simulator, optionally our proxy in front of it, and an OpenClaw
/// user pointed at whichever is the front. Disposed in reverse order so the proxy's log is printed last.
/// </summary>
public sealed class OpenClawScenario : IAsyncDisposable
{
    private OpenClawScenario(VllmSimulatorServer simulator, OpsBotProxyProcess? proxy, OpenClawAgent agent)
    {
        Simulator = simulator;
        Proxy = proxy;
        Agent = agent;
    }

    public VllmSimulatorServer Simulator { get; }

    /// <summary>Null when OpenClaw talks to the simulator directly (the seed's broken setup).</summary>
    public OpsBotProxyProcess? Proxy { get; }

    public OpenClawAgent Agent { get; }

    /// <param name="proxyArguments">Extra opsbot flags, e.g. <c>--Proxy:ToolStreaming buffer</c>.</param>
    public static Task<OpenClawScenario> ThroughProxyAsync(
        OpenClawFixture fixture, string version, ITestOutputHelper output, params string[] proxyArguments) =>
        StartAsync(fixture, version, throughProxy: true, output, proxyArguments);

    public static Task<OpenClawScenario> StraightToVllmAsync(OpenClawFixture fixture, string version, ITestOutputHelper output) =>
        StartAsync(fixture, version, throughProxy: false, output, []);

    private static async Task<OpenClawScenario> StartAsync(
        OpenClawFixture fixture, string version, bool throughProxy, ITestOutputHelper output, string[] proxyArguments)
    {
        var release = fixture.Installation.Release(version);
        var simulator = await VllmSimulatorServer.StartAsync();
        // Anything beyond what a test scripted is a bug in the scenario; make it obvious in the output.
        simulator.DefaultAnswer = SimulatedAnswer.Text("UNSCRIPTED EXTRA REQUEST");
        OpsBotProxyProcess? proxy = null;
        try
        {
            proxy = throughProxy
                ? await OpsBotProxyProcess.StartAsync(fixture.Layout, simulator.BaseUrl, proxyArguments, output.WriteLine, CancellationToken.None)
                : null;
            var agent = OpenClawAgent.Create(fixture.Installation, release, proxy?.BaseUrl ?? simulator.BaseUrl, output.WriteLine);
            return new OpenClawScenario(simulator, proxy, agent);
        }
        catch
        {
            if (proxy is not null)
            {
                await proxy.DisposeAsync();
            }

            await simulator.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        if (Proxy is not null)
        {
            await Proxy.DisposeAsync();
        }

        await Simulator.DisposeAsync();
    }
}
