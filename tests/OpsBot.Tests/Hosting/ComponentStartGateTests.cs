using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.TestSupport;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Hosting;

/// <summary>Components start after the proxy's first answer (or a second after it listens), never before, and never not at all.</summary>
public sealed class ComponentStartGateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_gate_opens_by_itself_max_wait_after_the_proxy_listens()
    {
        var time = new FakeTimeProvider();
        var gate = new ComponentStartGate(time);

        gate.OpenAfterMaxWait();
        time.Advance(ComponentStartGate.MaxWait - TimeSpan.FromMilliseconds(1));
        Assert.False(gate.IsOpen);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(gate.IsOpen);
        Assert.True(gate.Opened.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_supervised_service_is_built_only_once_the_gate_is_open()
    {
        var gate = new ComponentStartGate(new FakeTimeProvider());
        var states = new ComponentStates();
        var built = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var supervisor = new ComponentSupervisor(ComponentNames.Monitor, "Probe", () =>
        {
            built.TrySetResult(gate.IsOpen);
            return new IdleService();
        }, states, TimeProvider.System, new ListLogger<ComponentSupervisor>(), startAfter: gate.Opened);

        await supervisor.StartAsync(CancellationToken.None);
        // Let the supervisor's task run as far as it will before the gate opens.
        await Task.Yield();
        gate.Open();

        Assert.True(await built.Task.WaitAsync(TimeSpan.FromSeconds(20)), "the service was built before the gate opened");
        await supervisor.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_supervisor_stopped_before_the_gate_opens_builds_nothing()
    {
        var gate = new ComponentStartGate(new FakeTimeProvider());
        var builds = 0;
        using var supervisor = new ComponentSupervisor(ComponentNames.Monitor, "Probe", () =>
        {
            Interlocked.Increment(ref builds);
            return new IdleService();
        }, new ComponentStates(), TimeProvider.System, new ListLogger<ComponentSupervisor>(), startAfter: gate.Opened);

        await supervisor.StartAsync(CancellationToken.None);
        await supervisor.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        gate.Open();

        Assert.Equal(0, Volatile.Read(ref builds));
    }

    [Fact]
    public async Task The_proxys_first_answer_opens_the_gate_for_the_components()
    {
        var builder = OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9",
            "--History:DatabasePath", _dir.File("opsbot.db"), "--Ops:Monitor:Enabled", "false"]);
        // Time stands still: only the answer can open the gate.
        builder.Services.Replace(ServiceDescriptor.Singleton(new ComponentStartGate(new FakeTimeProvider())));
        using var host = builder.Build();
        var gate = host.Services.GetRequiredService<ComponentStartGate>();
        var states = host.Services.GetRequiredService<ComponentStates>();
        await host.StartAsync();
        try
        {
            Assert.False(gate.IsOpen);
            Assert.Equal(ComponentState.Starting, states.Get(ComponentNames.History).State);

            using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<IProxyListener>().LocalAddress };
            using var health = await http.GetAsync("/health");

            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            await Eventually.HoldsAsync(() => gate.IsOpen, "the gate opened after the first answer");
            await Eventually.HoldsAsync(() => states.Get(ComponentNames.History).State == ComponentState.Running, "history started once the gate opened", TimeSpan.FromSeconds(30));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private sealed class IdleService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
