using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsBot.Alerts;
using OpsBot.Cli;
using OpsBot.Components;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Tests.History;

/// <summary>The real host with alerts and history wired as Program.cs will wire them.</summary>
public sealed class HistoryHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private IHost Build(string databasePath)
    {
        var builder = OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9"]);
        builder.Configuration["History:DatabasePath"] = databasePath;
        builder.Configuration["History:BusyTimeout"] = "00:00:01";
        builder.Services.AddAlerts(builder.Configuration);
        builder.Services.AddOpsOperations();
        return builder.Build();
    }

    [Fact]
    public async Task Host_starts_with_alerts_and_history_and_migrates_the_database_at_start()
    {
        var path = _dir.File("state/opsbot.db");
        using var host = Build(path);

        await host.StartAsync();
        try
        {
            // History opens beside the start, not before the proxy listens: wait for it (bounded), then check the file.
            var history = host.Services.GetRequiredService<IHistoryQueryService>();
            var components = host.Services.GetRequiredService<ComponentStates>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (components.Get(ComponentNames.History).State != ComponentState.Running && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(ComponentState.Running, components.Get(ComponentNames.History).State);
            Assert.True(File.Exists(path));
            Assert.Equal(HistoryState.Available, history.GetHealth().State);
            Assert.True(host.Services.GetRequiredService<IProxyListener>().IsRunning);
            Assert.NotNull(host.Services.GetRequiredService<IAlertSilenceService>());
            Assert.NotNull(host.Services.GetRequiredService<IMaintenanceWindow>());
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_garbage_database_file_leaves_the_proxy_serving()
    {
        var path = _dir.File("opsbot.db");
        await File.WriteAllBytesAsync(path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray());
        using var host = Build(path);

        await host.StartAsync();
        try
        {
            var listener = host.Services.GetRequiredService<IProxyListener>();
            using var client = new HttpClient { BaseAddress = listener.LocalAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var response = await client.GetAsync("/health");

            Assert.True(response.IsSuccessStatusCode);
            // History opens its database after the proxy's first answer (ComponentStartGate), so its verdict may follow it.
            var history = host.Services.GetRequiredService<IHistoryQueryService>();
            await OpsBot.TestSupport.Eventually.HoldsAsync(() => history.GetHealth().State == HistoryState.Disabled, "history disabled itself on the garbage file");
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
