using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.ProxyCore.Events;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Alerts;

/// <summary>The whole alert path as the host wires it: completion event or gateway line in, alert channel out.</summary>
public sealed class AlertPipelineTests : IAsyncLifetime
{
    private static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(AlertTestKit.Start);
    private readonly RecordingAlertSink _sink = new();
    private readonly QueueGatewayLog _gatewayLog = new();
    private ServiceProvider _provider = null!;
    private List<IHostedService> _hosted = [];

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["History:DatabasePath"] = _dir.File("opsbot.db"),
            ["History:BusyTimeout"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(_time);
        services.AddAlerts(configuration);
        services.AddSingleton<IAlertSink>(_sink);
        services.AddSingleton<IGatewayLogSource>(_gatewayLog);
        services.AddSingleton<CompletionEventPublisher>();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _hosted = _provider.GetServices<IHostedService>().ToList();
        foreach (var service in _hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_hosted))
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_zero_token_answer_through_the_proxy_posts_exactly_one_alert_and_one_resolve()
    {
        var publisher = _provider.GetRequiredService<CompletionEventPublisher>();

        publisher.Publish(new CompletionEvent(_time.GetUtcNow(), "qwen3-coder-next", true, true, CompletionPath.Rewrapped, 200, TimeSpan.FromSeconds(3),
            TimeSpan.FromSeconds(3), 5120, 0, 0, null, 0, EmptyAnswer: true));
        await RunUntilAsync(() => _sink.Sent.Count >= 1, TimeSpan.FromSeconds(1));
        await RunUntilAsync(() => _sink.Sent.Count >= 2, TimeSpan.FromSeconds(15));
        await RunForAsync(TimeSpan.FromMinutes(15));

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], _sink.Sent.Select(s => s.Kind));
        Assert.Contains("completion_tokens=0", _sink.Sent[0].Text);
        Assert.Contains(NoReplyClassifier.EmptyAnswerCheck, _sink.Sent[0].Text);
        var incident = Assert.Single(await _provider.GetRequiredService<IHistoryQueryService>().GetRecentIncidentsAsync(5, CancellationToken.None));
        Assert.Equal(NoReplyTracker.Key, incident.Key);
        Assert.NotNull(incident.ResolvedAt);
    }

    [Fact]
    public async Task A_no_reply_line_in_the_gateway_log_posts_exactly_one_alert_and_one_resolve()
    {
        // Let the watcher take its "from now" cursor before the line appears.
        await RunUntilAsync(() => _gatewayLog.Reads >= 1, TimeSpan.FromSeconds(5));
        _gatewayLog.Lines.Enqueue("2026-11-25T10:00:40Z [agent/embedded] No reply from agent.");

        await RunUntilAsync(() => _sink.Sent.Count >= 1, TimeSpan.FromSeconds(5));
        await RunUntilAsync(() => _sink.Sent.Count >= 2, TimeSpan.FromSeconds(15));
        await RunForAsync(TimeSpan.FromMinutes(15));

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], _sink.Sent.Select(s => s.Kind));
        Assert.Contains("No reply from agent.", _sink.Sent[0].Text);
    }

    [Fact]
    public async Task Healthy_answers_post_nothing()
    {
        var publisher = _provider.GetRequiredService<CompletionEventPublisher>();

        for (var i = 0; i < 20; i++)
        {
            publisher.Publish(new CompletionEvent(_time.GetUtcNow(), "qwen3-coder-next", true, true, CompletionPath.Rewrapped, 200, TimeSpan.FromSeconds(1),
                TimeSpan.FromSeconds(1), 100, 12, 1, null, 0, EmptyAnswer: false));
        }

        await RunForAsync(TimeSpan.FromMinutes(10));

        Assert.Empty(_sink.Sent);
    }

    /// <summary>Moves the fake clock in small steps until <paramref name="condition"/> holds; fails after a bounded real time.</summary>
    private async Task RunUntilAsync(Func<bool> condition, TimeSpan step)
    {
        var deadline = DateTime.UtcNow + RealTimeLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within the real-time limit");
            _time.Advance(step);
            await Task.Delay(10);
        }
    }

    private async Task RunForAsync(TimeSpan span)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += TimeSpan.FromSeconds(15))
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(5);
        }

        // Let the last tick's work land before asserting.
        await Task.Delay(100);
    }
}
