using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsBot.Components;
using OpsBot.Discord;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.Ops.Probes;
using OpsBot.Tests.History;
using OpsBot.VllmSimulator;

namespace OpsBot.Tests.Hosting;

/// <summary>
/// The real host with a fault planted inside each kind of component (the Discord bot, the monitor, history, the alert
/// pipeline): each fails alone and says why, and the proxy keeps serving. .NET's default would stop the host, proxy included.
/// </summary>
public sealed class FaultIsolationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_component_that_throws_fails_alone_and_the_proxy_keeps_serving()
    {
        await using var simulator = await VllmSimulatorServer.StartAsync();
        var database = _dir.File("opsbot.db");
        await PlantCorruptQueuedAlertAsync(database);
        var builder = OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", simulator.BaseUrl.ToString().TrimEnd('/'),
            "--History:DatabasePath", database, "--Discord:Token", "abc.def.ghi", "--Discord:GuildId", "1", "--Discord:RestBaseUrl", "http://127.0.0.1:9/api/v10"]);
        // Discord: its options cannot be built (as a bug in binding would do), so neither can the gateway client.
        builder.Services.AddSingleton<IConfigureOptions<DiscordOptions>>(new ConfigureOptions<DiscordOptions>(_ => throw new InvalidOperationException("discord fault")));
        // Monitor: a probe that cannot be constructed takes the prober, status service and monitor with it.
        builder.Services.AddSingleton<IServiceProbe>(_ => throw new InvalidOperationException("monitor fault"));
        // History: the traffic roll-up's store cannot be constructed.
        builder.Services.AddSingleton<TrafficStore>(_ => throw new InvalidOperationException("history fault"));
        // Alerts: the outbox holds a row this version cannot read (PlantCorruptQueuedAlertAsync): the dispatcher throws at run time.
        using var host = builder.Build();
        var states = host.Services.GetRequiredService<ComponentStates>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.StartAsync();
        try
        {
            await WaitUntilAsync(() => new[] { ComponentNames.Discord, ComponentNames.Monitor, ComponentNames.History, ComponentNames.Alerts }
                .All(c => states.Get(c).State == ComponentState.Failed), states);

            Assert.Contains("discord fault", states.Get(ComponentNames.Discord).Reason);
            Assert.Contains("monitor fault", states.Get(ComponentNames.Monitor).Reason);
            Assert.Contains("history fault", states.Get(ComponentNames.History).Reason);
            Assert.Contains("AlertDispatcher", states.Get(ComponentNames.Alerts).Reason);
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);

            using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<IProxyListener>().LocalAddress };
            var health = await http.GetFromJsonAsync<JsonElement>("/health");
            Assert.Equal("ok", health.GetProperty("status").GetString());
            var discord = health.GetProperty("components").GetProperty("discord");
            Assert.Equal("failed", discord.GetProperty("state").GetString());
            Assert.Contains("discord fault", discord.GetProperty("reason").GetString());
            using var completion = await http.PostAsync("/v1/chat/completions", new StringContent(
                """{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(System.Net.HttpStatusCode.OK, completion.StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_proxy_listens_without_waiting_for_a_component_whose_start_hangs()
    {
        var builder = OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9", "--History:DatabasePath", _dir.File("opsbot.db")]);
        // Like an SSH connect or a Docker socket that never answers.
        builder.Services.AddComponentService<HangingStart>(ComponentNames.GatewaySsh);
        using var host = builder.Build();

        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await host.StartAsync(limit.Token);
        }

        using var http = new HttpClient { BaseAddress = host.Services.GetRequiredService<IProxyListener>().LocalAddress };
        using var health = await http.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await host.StopAsync(limit.Token);
        }

        Assert.True(host.Services.GetServices<IHostedService>().OfType<ComponentSupervisor>().Any());
    }

    [Fact]
    public async Task A_supervised_service_that_crashes_is_retried_with_backoff_and_runs_again()
    {
        var time = new OpsBot.Tests.Ops.ManualTimeProvider();
        var states = new ComponentStates();
        var logger = new ListLogger<ComponentSupervisor>();
        var service = new FlakyService(failures: 2);
        var supervisor = new ComponentSupervisor(ComponentNames.Monitor, nameof(FlakyService), () => service, states, time, logger);

        await supervisor.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => service.Starts == 1 && time.ActiveTimers > 0, states);
        Assert.Equal(ComponentState.Failed, states.Get(ComponentNames.Monitor).State);
        Assert.Equal("FlakyService: InvalidOperationException: crash 1", states.Get(ComponentNames.Monitor).Reason);
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntilAsync(() => service.Starts == 2 && states.Get(ComponentNames.Monitor).Reason!.Contains("crash 2", StringComparison.Ordinal) && time.ActiveTimers > 0, states);
        // The backoff doubles: nothing for 9 s, the third start at 10 s.
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(2, service.Starts);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => service.Starts == 3 && time.ActiveTimers > 0, states);
        Assert.Equal(ComponentState.Failed, states.Get(ComponentNames.Monitor).State);
        // Running for a while is what counts as recovered, not merely having started.
        time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => states.Get(ComponentNames.Monitor).State == ComponentState.Running, states);
        await supervisor.StopAsync(CancellationToken.None);

        // One error line for the run of failures (with the exception), then quiet until it works again.
        Assert.Single(logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Contains(logger.Entries, e => e.Message.Contains("runs again after 2 failed start(s)", StringComparison.Ordinal));
        Assert.True(service.Stopped);
    }

    private static async Task PlantCorruptQueuedAlertAsync(string path)
    {
        await using var database = TestDatabase.Open(path, TimeProvider.System);
        await database.RunAsync("plant", 0, async (connection, ct) =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO alert_outbox (key, kind, severity, text, created_at, next_attempt_at) VALUES ('k', 'FromTheFuture', 'Critical', 't', 1, 1);";
            return await command.ExecuteNonQueryAsync(ct);
        }, CancellationToken.None);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, ComponentStates states)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Condition not met; components: " + string.Join("; ", states.Snapshot()));
            }

            await Task.Delay(20);
        }
    }

    private sealed class HangingStart : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class FlakyService(int failures) : BackgroundService
    {
        private int _starts;

        public int Starts => Volatile.Read(ref _starts);

        public bool Stopped { get; private set; }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            Stopped = true;
            await base.StopAsync(cancellationToken);
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var start = Interlocked.Increment(ref _starts);
            await Task.Yield();
            if (start <= failures)
            {
                throw new InvalidOperationException($"crash {start}");
            }

            await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
