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
    private readonly TickProbe _ticks = new();
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
        // Registered after the trackers, so it runs last on every tick: once it has seen a time, so have they.
        services.AddSingleton<IAlertEvaluator>(_ticks);
        services.AddSingleton<IAlertSink>(_sink);
        services.AddSingleton<IGatewayLogSource>(_gatewayLog);
        services.AddSingleton<CompletionEventPublisher>();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _hosted = _provider.GetServices<IHostedService>().ToList();
        foreach (var service in _hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        // Background services arm their timers on the thread pool: move the clock until the ticker has ticked once,
        // so that from here on every Advance by one interval is exactly one evaluation.
        await RunUntilAsync(() => _ticks.LastEvaluated > DateTimeOffset.MinValue, TimeSpan.FromSeconds(1));
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

        publisher.Publish(new CompletionEvent
        {
            At = _time.GetUtcNow(),
            Model = "qwen3-coder-next",
            Streamed = true,
            HasTools = true,
            Path = CompletionPath.Rewrapped,
            UpstreamStatus = 200,
            Latency = TimeSpan.FromSeconds(3),
            TimeToFirstByte = TimeSpan.FromSeconds(3),
            PromptTokens = 5120,
            CompletionTokens = 0,
            ToolCalls = 0,
            ToolCallFormat = null,
            ContentLength = 0,
            EmptyAnswer = true,
        });
        await RunUntilAsync(() => _sink.Sent.Count >= 1, TimeSpan.FromSeconds(1));
        await RunUntilAsync(() => _sink.Sent.Count >= 2, TimeSpan.FromSeconds(15));
        await RunForAsync(TimeSpan.FromMinutes(15));
        await AssertNothingElseWasSentAsync();

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], _sink.Sent.Take(2).Select(s => s.Kind));
        Assert.Contains("completion_tokens=0", _sink.Sent[0].Text);
        Assert.Contains(NoReplyClassifier.EmptyAnswerCheck, _sink.Sent[0].Text);
        var incidents = await _provider.GetRequiredService<IHistoryQueryService>().GetRecentIncidentsAsync(5, CancellationToken.None);
        var first = incidents.MinBy(i => i.OpenedAt)!;
        Assert.Equal(NoReplyTracker.Key, first.Key);
        Assert.NotNull(first.ResolvedAt);
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
        await AssertNothingElseWasSentAsync();

        Assert.Equal([AlertKind.Raised, AlertKind.Resolved], _sink.Sent.Take(2).Select(s => s.Kind));
        Assert.Contains("No reply from agent.", _sink.Sent[0].Text);
    }

    [Fact]
    public async Task Healthy_answers_post_nothing()
    {
        var publisher = _provider.GetRequiredService<CompletionEventPublisher>();

        for (var i = 0; i < 20; i++)
        {
            publisher.Publish(new CompletionEvent
            {
                At = _time.GetUtcNow(),
                Model = "qwen3-coder-next",
                Streamed = true,
                HasTools = true,
                Path = CompletionPath.Rewrapped,
                UpstreamStatus = 200,
                Latency = TimeSpan.FromSeconds(1),
                TimeToFirstByte = TimeSpan.FromSeconds(1),
                PromptTokens = 100,
                CompletionTokens = 12,
                ToolCalls = 1,
                ToolCallFormat = null,
                ContentLength = 0,
                EmptyAnswer = false,
            });
        }

        await RunForAsync(TimeSpan.FromMinutes(10));

        await AssertNothingElseWasSentAsync();
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

    /// <summary>Advances the fake clock tick by tick, each time until every evaluator has run for that tick.</summary>
    private async Task RunForAsync(TimeSpan span)
    {
        var tick = _provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AlertOptions>>().Value.TickInterval;
        for (var elapsed = TimeSpan.Zero; elapsed < span; elapsed += tick)
        {
            _time.Advance(tick);
            var now = _time.GetUtcNow();
            await OpsBot.TestSupport.Eventually.HoldsAsync(() => _ticks.LastEvaluated >= now, $"the tick at {now:T} was evaluated");
        }
    }

    /// <summary>
    /// A negative check that cannot pass by being too early: a later zero-token answer must produce the next alert,
    /// and alerts leave in order, so anything the pipeline was still going to send would have come before it.
    /// </summary>
    private async Task AssertNothingElseWasSentAsync()
    {
        var before = _sink.Sent.Count;
        _provider.GetRequiredService<CompletionEventPublisher>().Publish(new CompletionEvent
        {
            At = _time.GetUtcNow(),
            Model = "qwen3-coder-next",
            Streamed = true,
            HasTools = true,
            Path = CompletionPath.Rewrapped,
            UpstreamStatus = 200,
            Latency = TimeSpan.FromSeconds(1),
            TimeToFirstByte = TimeSpan.FromSeconds(1),
            PromptTokens = 100,
            CompletionTokens = 0,
            ToolCalls = 0,
            ToolCallFormat = null,
            ContentLength = 0,
            EmptyAnswer = true,
        });
        await RunUntilAsync(() => _sink.Sent.Count > before, TimeSpan.FromSeconds(1));

        var sentinel = _sink.Sent[before];
        Assert.Equal(AlertKind.Raised, sentinel.Kind);
        Assert.Contains("completion_tokens=0", sentinel.Text);
    }

    private sealed class TickProbe : IAlertEvaluator
    {
        private long _lastTicks = DateTimeOffset.MinValue.UtcTicks;

        public DateTimeOffset LastEvaluated => new(Interlocked.Read(ref _lastTicks), TimeSpan.Zero);

        public Task EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref _lastTicks, now.UtcTicks);
            return Task.CompletedTask;
        }
    }
}
