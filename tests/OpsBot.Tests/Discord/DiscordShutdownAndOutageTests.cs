using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;
using OpsBot.Components;
using OpsBot.Discord;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.Ops;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Discord;

/// <summary>Leaving Discord cleanly, not reusing dead interaction tokens, and staying quiet while Discord is away.</summary>
public sealed class DiscordShutdownAndOutageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stopping_closes_the_gateway_with_1000_within_the_shutdown()
    {
        await using var bot = await BotHarness.StartAsync();
        var stopwatch = Stopwatch.StartNew();

        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await bot.Host.StopAsync(limit.Token);
        }

        var closed = await bot.Discord.Gateway.WaitForAsync("closed", timeout: Wait);
        Assert.Equal(1000, closed.CloseCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopwatch.Elapsed}");
        Assert.Equal(1, bot.Discord.Gateway.ConnectionCount);
        Assert.True(bot.Logs.Contains("closing the session (1000) for shutdown", LogLevel.Information));
    }

    [Fact]
    public async Task After_unknown_webhook_the_interaction_token_is_never_used_again()
    {
        await using var bot = await BotHarness.StartAsync();
        var agent = new TaskCompletionSource<SmokeTestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bot.Smoke.RunAsync(SmokeTestKind.TwoPlusTwo, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            call.Arg<IProgress<string>?>()?.Report("asking the agent");
            return agent.Task;
        });
        bot.Smoke.RunAsync(SmokeTestKind.ListTmp, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(new SmokeTestResult(SmokeTestKind.ListTmp, true, TimeSpan.FromSeconds(1), "tmp"));
        bot.Smoke.RunAsync(SmokeTestKind.ProxyDirect, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>()).Returns(new SmokeTestResult(SmokeTestKind.ProxyDirect, true, TimeSpan.FromSeconds(1), "ok"));
        bot.Discord.ExpireWebhookTokens = true;

        var smoke = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("smoke", [("test", "all")]));
        await bot.Logs.WaitForAsync(e => e.Message.Contains("token is no longer valid (code 10015)", StringComparison.Ordinal), Wait);
        // The rest of the run has more progress lines and a final result for this interaction: none of it may be sent.
        agent.SetResult(new SmokeTestResult(SmokeTestKind.TwoPlusTwo, true, TimeSpan.FromSeconds(2), "4"));
        await WaitUntilAsync(() => bot.Smoke.ReceivedCalls().Count() == 3);
        // A later command on a fresh token is answered normally, so by then the first one's handler is long done.
        bot.Discord.ExpireWebhookTokens = false;
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow, [new ServiceStatus(StackService.Vllm, HealthState.Healthy, "serving", [])]));
        var status = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(status.Token, StringComparison.Ordinal), Wait);

        var smokeWebhookCalls = bot.Discord.Requests.Snapshot().Where(r => r.Path.StartsWith("/api/v10/webhooks/", StringComparison.Ordinal) && r.Path.Contains(smoke.Token, StringComparison.Ordinal)).ToList();
        var only = Assert.Single(smokeWebhookCalls);
        Assert.Equal(404, only.Status);
        Assert.Single(bot.Logs.Entries, e => e.Message.Contains("token is no longer valid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Responder_drops_edits_and_follow_ups_after_10015_and_logs_once()
    {
        var rest = Substitute.For<IDiscordRestClient>();
        rest.EditOriginalResponseAsync(default, default!, default!, default).ReturnsForAnyArgs(Task.FromException(
            new DiscordApiException(System.Net.HttpStatusCode.NotFound, DiscordApiException.UnknownWebhook, "PATCH /webhooks", "Unknown Webhook", null)));
        var logger = new ListLogger<InteractionResponder>();
        var interaction = InteractionParser.TryParse(System.Text.Json.JsonSerializer.SerializeToElement(new OpsBot.FakeDiscord.FakeInteractions(new OpsBot.FakeDiscord.FakeDiscordOptions()).SlashCommand("smoke")), out var parsed, out _) ? parsed! : throw new InvalidOperationException();
        var responder = new InteractionResponder(interaction, rest, logger);

        await responder.DeferAsync(ephemeral: false, CancellationToken.None);
        await responder.ModifyOriginalAsync(DiscordMessage.FromText("progress 1"), CancellationToken.None);
        await responder.ModifyOriginalAsync(DiscordMessage.FromText("progress 2"), CancellationToken.None);
        await responder.RespondAsync(DiscordMessage.FromText("result"), ephemeral: false, CancellationToken.None);
        await responder.FollowupAsync(DiscordMessage.FromText("more"), ephemeral: false, CancellationToken.None);

        Assert.True(responder.TokenGone);
        await rest.ReceivedWithAnyArgs(1).EditOriginalResponseAsync(default, default!, default!, default);
        await rest.DidNotReceiveWithAnyArgs().CreateFollowupMessageAsync(default, default!, default!, default, default);
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task While_discord_is_unreachable_the_journal_gets_one_warning_then_a_summary_per_interval()
    {
        await using var bot = await BotHarness.StartAsync(config =>
        {
            // Nothing listens on port 1: every REST call is refused at once, as with Discord's API unreachable.
            config["Discord:RestBaseUrl"] = "http://127.0.0.1:1/api/v10";
            config["Discord:RestMaxRetries"] = "0";
            config["Discord:OutageSummaryInterval"] = "00:00:01";
        }, waitForReady: false);

        await bot.Logs.WaitForAsync(e => e.Message.StartsWith("Discord unreachable for", StringComparison.Ordinal), Wait);
        var discord = bot.Host.Services.GetRequiredService<ComponentStates>().Get(ComponentNames.Discord);

        var warnings = bot.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.StartsWith("Discord unreachable (REST GET /gateway/bot: HttpRequestException: Connection refused", warnings[0]);
        Assert.All(warnings.Skip(1), w => Assert.Matches(@"^Discord unreachable for \d+ s, \d+ attempts; last error: REST GET /gateway/bot", w));
        Assert.Equal(ComponentState.Degraded, discord.State);
        var attempts = int.Parse(System.Text.RegularExpressions.Regex.Match(discord.Reason!, @"\((\d+) failed attempts\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(attempts > warnings.Count, $"{attempts} attempts logged as {warnings.Count} warning lines");
    }

    [Fact]
    public void Outage_summary_counts_attempts_and_queued_alerts_and_recovery_is_one_line()
    {
        var time = new FakeTimeProvider(TestDatabase.Start);
        var states = new ComponentStates();
        var logger = new ListLogger<DiscordConnectivity>();
        var backlog = Substitute.For<IDiscordBacklog>();
        backlog.Name.Returns("alerts queued");
        backlog.Count.Returns(3);
        var connectivity = new DiscordConnectivity(states, [backlog], Options.Create(new DiscordOptions()), time, logger);

        connectivity.GatewayConnected();
        connectivity.GatewayDisconnected("connection lost (WebSocketException)");
        for (var attempt = 0; attempt < 37; attempt++)
        {
            connectivity.AttemptFailed("gateway", "could not connect (WebSocketException: refused)");
            time.Advance(TimeSpan.FromSeconds(17));
        }

        Assert.Equal(ComponentState.Degraded, states.Get(ComponentNames.Discord).State);
        connectivity.RestAnswered();

        Assert.Equal(
            [
                "Discord unreachable (gateway: could not connect (WebSocketException: refused)); retrying with backoff, one summary every 00:10:00 until it is back. Proxy, monitors and alerts (queued) keep running.",
                "Discord unreachable for 10 min, 37 attempts, alerts queued: 3; last error: gateway: could not connect (WebSocketException: refused)",
                "Discord reachable again after 10 min (37 failed attempts)",
            ],
            logger.Entries.Select(e => e.Message));
        // REST answered but the gateway session has not come back yet.
        Assert.Equal(ComponentState.Starting, states.Get(ComponentNames.Discord).State);
        connectivity.GatewayConnected();
        Assert.Equal(ComponentState.Running, states.Get(ComponentNames.Discord).State);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
