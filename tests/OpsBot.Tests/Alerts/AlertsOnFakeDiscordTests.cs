using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsBot.Alerts;
using OpsBot.FakeDiscord;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.VllmSimulator;

namespace OpsBot.Tests.Alerts;

/// <summary>
/// The whole OpsBot host (proxy, alerts, history, Discord client) against the vLLM simulator and the fake
/// Discord server: a "No reply" incident is posted to the alert channel exactly once, then resolved once.
/// </summary>
public sealed class AlertsOnFakeDiscordTests
{
    private static readonly string AlertsPath = $"/api/v10/channels/{FakeInteractions.AlertsChannelId}/messages";

    private static async Task<(IHost Host, FakeDiscordServer Discord, VllmSimulatorServer Vllm)> StartAsync(Action<IServiceCollection>? services = null)
    {
        var discord = await FakeDiscordServer.StartAsync();
        var vllm = await VllmSimulatorServer.StartAsync();
        var builder = OpsBotHost.CreateBuilder(
        [
            "--port", "0", "--host", "127.0.0.1", "--vllm-url", vllm.BaseUrl.ToString().TrimEnd('/'),
            "--History:DatabasePath", Path.Combine(Path.GetTempPath(), $"opsbot-alerts-{Guid.NewGuid():N}.db"),
            "--Ops:Monitor:Enabled", "false",
            "--Discord:Token", discord.Options.Token,
            "--Discord:GuildId", discord.Options.GuildId.ToString(CultureInfo.InvariantCulture),
            "--Discord:RestBaseUrl", discord.RestBaseUrl.ToString(),
            "--Discord:AlertChannelId", FakeInteractions.AlertsChannelId.ToString(CultureInfo.InvariantCulture),
            "--Alerts:TickInterval", "00:00:00.200",
            "--Alerts:NoReply:ResolveAfter", "00:00:02",
            "--Alerts:GatewayLog:PollInterval", "00:00:00.200",
        ]);
        services?.Invoke(builder.Services);
        var host = builder.Build();
        await Task.Run(() => host.StartAsync()); // outside xunit's SynchronizationContext, as in production (see BotHarness)
        return (host, discord, vllm);
    }

    private static async Task StopAsync(IHost host, FakeDiscordServer discord, VllmSimulatorServer vllm)
    {
        await host.StopAsync();
        host.Dispose();
        await discord.DisposeAsync();
        await vllm.DisposeAsync();
    }

    [Fact]
    public async Task Zero_token_answer_through_the_proxy_posts_exactly_one_alert_and_one_resolve()
    {
        var (host, discord, vllm) = await StartAsync();
        try
        {
            var proxy = host.Services.GetRequiredService<IProxyListener>().LocalAddress!;
            using var http = new HttpClient { BaseAddress = proxy };
            await AskForAnEmptyAnswerAsync(vllm, http);

            await discord.WaitForRequestAsync("POST", AlertsPath, count: 2, timeout: TimeSpan.FromSeconds(20));
            var all = await NextAlertProvesNothingElseWasPostedAsync(discord, () => AskForAnEmptyAnswerAsync(vllm, http));

            Assert.Contains("No reply", all[0].Body, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("resolved", all[1].Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(discord.Options.Token, all[0].Body);
        }
        finally
        {
            await StopAsync(host, discord, vllm);
        }
    }

    [Fact]
    public async Task No_reply_line_in_the_gateway_log_posts_exactly_one_alert_and_one_resolve()
    {
        var journal = new ScriptedGatewayLog();
        var (host, discord, vllm) = await StartAsync(s => s.AddSingleton<IGatewayLogSource>(journal));
        try
        {
            journal.Add("Nov 25 12:00:01 gw openclaw[812]: [agent] No reply from agent.");

            await discord.WaitForRequestAsync("POST", AlertsPath, count: 2, timeout: TimeSpan.FromSeconds(20));
            var all = await NextAlertProvesNothingElseWasPostedAsync(discord, () =>
            {
                journal.Add("Nov 25 12:05:01 gw openclaw[812]: [agent] No reply from agent.");
                return Task.CompletedTask;
            });

            Assert.Contains("No reply", all[0].Body, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("resolved", all[1].Body, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await StopAsync(host, discord, vllm);
        }
    }

    [Fact]
    public async Task An_alert_storm_is_delivered_whole_without_a_single_rate_limit_violation_or_invalid_request()
    {
        var (host, discord, vllm) = await StartAsync();
        try
        {
            // More alerts than the channel's bucket takes in one window: the bot has to read the headers and wait.
            const int Storm = 12;
            var publisher = host.Services.GetRequiredService<IAlertPublisher>();
            for (var i = 0; i < Storm; i++)
            {
                await publisher.PublishAsync(new Alert($"storm:{i}", AlertKind.Raised, AlertSeverity.Warning, $"storm alert {i:D2}", DateTimeOffset.UtcNow), mutedBy: null, CancellationToken.None);
            }

            await OpsBot.TestSupport.Eventually.HoldsAsync(
                () => Enumerable.Range(0, Storm).All(i => Posted(discord).Any(r => r.Body.Contains($"storm alert {i:D2}", StringComparison.Ordinal))),
                "every storm alert reached the channel",
                TimeSpan.FromSeconds(90));

            Assert.All(Posted(discord), r => Assert.Equal(200, r.Status));
            Assert.Equal(0, discord.RateLimitViolations);
            Assert.Equal(0, discord.InvalidRequests);
        }
        finally
        {
            await StopAsync(host, discord, vllm);
        }
    }

    private static List<OpsBot.FakeDiscord.RecordedRequest> Posted(FakeDiscordServer discord) =>
        discord.Requests.Snapshot().Where(r => r.Method == "POST" && r.Path == AlertsPath).ToList();

    private static async Task AskForAnEmptyAnswerAsync(VllmSimulatorServer vllm, HttpClient proxy)
    {
        // Empty on the retry too (Proxy:EmptyAnswerRetries): what still reaches the user as an empty answer is alerted on.
        vllm.Enqueue(SimulatedAnswer.Empty(), SimulatedAnswer.Empty());
        using var response = await proxy.PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"Qwen/Qwen3-Coder-Next-FP8","stream":true,"messages":[{"role":"user","content":"What is 2+2?"}],"tools":[{"type":"function","function":{"name":"exec"}}]}""",
            Encoding.UTF8, "application/json"));
        await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// A negative check that cannot pass by looking too early: a second incident must be the next post, and alerts
    /// leave in order, so any extra post of the first incident would have come before it. Returns the first two posts.
    /// </summary>
    private static async Task<List<OpsBot.FakeDiscord.RecordedRequest>> NextAlertProvesNothingElseWasPostedAsync(FakeDiscordServer discord, Func<Task> secondIncident)
    {
        await secondIncident();
        await discord.WaitForRequestAsync("POST", AlertsPath, count: 3, timeout: TimeSpan.FromSeconds(20));
        var all = discord.Requests.Snapshot().Where(r => r.Method == "POST" && r.Path == AlertsPath).ToList();
        Assert.Contains("No reply", all[2].Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("resolved", all[2].Body, StringComparison.OrdinalIgnoreCase);
        return all.Take(2).ToList();
    }

    /// <summary>An in-memory gateway journal: lines added by the test come back once after the cursor.</summary>
    private sealed class ScriptedGatewayLog : IGatewayLogSource
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private int _position;

        public void Add(string line) => _lines.Writer.TryWrite(line);

        public Task<GatewayLogBatch> ReadSinceAsync(string? cursor, CancellationToken cancellationToken)
        {
            var lines = new List<string>();
            if (cursor is not null)
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    lines.Add(line);
                }
            }

            _position += lines.Count;
            return Task.FromResult(new GatewayLogBatch(lines, _position.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
