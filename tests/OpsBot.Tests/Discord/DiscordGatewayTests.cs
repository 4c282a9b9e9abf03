using Microsoft.Extensions.Logging;
using NSubstitute;
using OpsBot.Discord.Gateway;
using OpsBot.FakeDiscord;
using OpsBot.Ops;

namespace OpsBot.Tests.Discord;

public sealed class DiscordGatewayTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Identify_sends_the_token_minimal_intents_and_heartbeats_carry_the_last_sequence()
    {
        await using var bot = await BotHarness.StartAsync();

        var identify = await bot.Discord.Gateway.WaitForAsync("identify");
        Assert.Equal(bot.Discord.Options.Token, identify.Payload!["token"]!.GetValue<string>());
        Assert.Equal(0, identify.Payload["intents"]!.GetValue<int>());
        Assert.Equal("opsbot", identify.Payload["properties"]!["browser"]!.GetValue<string>());
        var connect = await bot.Discord.Gateway.WaitForAsync("connect");
        Assert.EndsWith("?v=10&encoding=json", connect.Path);

        // The first beat may go out before READY (random first delay): then it carries null; after READY it carries 1.
        var beat = await bot.Discord.Gateway.Events.WaitForAsync(e => e.Kind == "heartbeat" && e.Payload is not null, Wait);
        Assert.Equal(1, beat.Payload!.GetValue<long>());
        Assert.All(bot.Discord.Gateway.Events.Snapshot().Where(e => e.Kind == "heartbeat"), e => Assert.True(e.Payload is null || e.Payload.GetValue<long>() == 1));
    }

    [Fact]
    public async Task Server_requested_heartbeat_is_answered_at_once_not_at_the_next_interval()
    {
        // With a 10-minute interval, any beat seen within the test's wait can only be the answer to op 1.
        await using var bot = await BotHarness.StartAsync(fake: new FakeDiscordOptions { HeartbeatIntervalMs = 600_000 });
        var gateway = bot.Discord.Gateway;
        await gateway.WaitForAsync("ready", timeout: Wait);
        var before = gateway.Count("heartbeat");

        await gateway.RequestHeartbeatAsync();

        var beat = await gateway.WaitForAsync("heartbeat", count: before + 1, timeout: Wait);
        Assert.Equal(1, beat.Payload!.GetValue<long>());
        Assert.Equal(GatewayState.Connected, bot.Gateway.State);
    }

    [Fact]
    public async Task Op7_reconnect_resumes_the_session_on_the_resume_url()
    {
        await using var bot = await BotHarness.StartAsync();
        var gateway = bot.Discord.Gateway;
        var sessionId = gateway.SessionId;

        await gateway.SendReconnectAsync();

        var resume = await gateway.WaitForAsync("resume", timeout: Wait);
        Assert.StartsWith(gateway.ResumePath, resume.Path);
        Assert.Equal(sessionId, resume.Payload!["session_id"]!.GetValue<string>());
        Assert.Equal(1, resume.Payload["seq"]!.GetValue<long>());
        await gateway.WaitForAsync("resumed", timeout: Wait);
        Assert.Equal(1, gateway.Count("identify"));
        var closed = await gateway.WaitForAsync("closed", timeout: Wait);
        Assert.Equal(4000, closed.CloseCode);
    }

    [Fact]
    public async Task Op9_not_resumable_makes_the_bot_identify_again_without_re_registering_commands()
    {
        await using var bot = await BotHarness.StartAsync();
        var gateway = bot.Discord.Gateway;

        await gateway.SendInvalidSessionAsync(resumable: false);

        await gateway.WaitForAsync("identify", count: 2, timeout: Wait);
        await gateway.WaitForAsync("ready", count: 2, timeout: Wait);
        Assert.Equal(0, gateway.Count("resume"));
        Assert.Equal(2, gateway.ConnectionCount);
        Assert.Single(bot.Discord.Requests.Snapshot(), r => r.Is("PUT", "/api/v10/applications/"));
    }

    [Fact]
    public async Task Resume_after_a_dropped_connection_replays_missed_events_and_runs_each_command_once()
    {
        await using var bot = await BotHarness.StartAsync();
        var gateway = bot.Discord.Gateway;
        gateway.ReplayDeliveredEventsOnResume = true;
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow, []));

        var first = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);

        // An event that never reached the bot, then the TCP connection drops: it must arrive through the resume replay.
        // It is dispatched before the drop so that a fast reconnect cannot resume before the event exists.
        gateway.HoldDispatches = true;
        var missed = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        gateway.Abort();
        gateway.HoldDispatches = false;

        var resumed = await gateway.WaitForAsync("resumed", timeout: Wait);
        Assert.Equal(2, resumed.Payload!["replayed"]!.GetValue<int>());
        await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", count: 2, timeout: Wait);

        // A third command proves the replayed duplicate was processed (events are handled in order) and skipped.
        var third = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", count: 3, timeout: Wait);

        await bot.Status.ReceivedWithAnyArgs(3).GetStatusAsync(default);
        Assert.Single(bot.Discord.Requests.Snapshot(), r => r.Is("POST", $"/api/v10/interactions/{first.Id}/"));
        Assert.DoesNotContain(bot.Discord.Requests.Snapshot(), r => r.ResponseBody.Contains("40060", StringComparison.Ordinal));
        Assert.Equal(1, gateway.Count("identify"));
        Assert.Equal(5, missed.CallbackType);
        Assert.Equal(5, third.CallbackType);
        Assert.True(bot.Logs.Contains($"Discord interaction {first.Id} already handled"));
    }

    [Fact]
    public async Task Close_4004_stops_the_gateway_without_reconnecting_and_logs_why()
    {
        await using var bot = await BotHarness.StartAsync();

        await bot.Discord.Gateway.CloseAsync(4004, "Authentication failed.");

        await bot.Gateway.ExecuteTask!.WaitAsync(Wait);
        Assert.Equal(GatewayState.Failed, bot.Gateway.State);
        Assert.Equal(1, bot.Discord.Gateway.ConnectionCount);
        Assert.Single(bot.Logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("close code 4004", StringComparison.Ordinal) && e.Message.Contains("Not reconnecting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_heartbeat_ack_is_detected_as_a_zombie_and_the_session_resumed()
    {
        await using var bot = await BotHarness.StartAsync();
        var gateway = bot.Discord.Gateway;

        gateway.AckHeartbeats = false;
        var resume = await gateway.WaitForAsync("resume", timeout: Wait);
        gateway.AckHeartbeats = true;

        Assert.Equal(gateway.SessionId, resume.Payload!["session_id"]!.GetValue<string>());
        await gateway.WaitForAsync("resumed", timeout: Wait);
        Assert.True(bot.Logs.Contains("zombie connection", LogLevel.Warning));
        Assert.Equal(1, gateway.Count("identify"));

        // The fresh connection starts with a fresh ACK flag: it must stay up, not loop on reconnects.
        var connections = gateway.ConnectionCount;
        var beatsBefore = gateway.Count("heartbeat");
        await gateway.WaitForAsync("heartbeat", count: beatsBefore + 3, timeout: Wait);
        Assert.Equal(connections, gateway.ConnectionCount);
    }

    [Fact]
    public async Task Identify_waits_for_the_session_start_budget_to_reset()
    {
        var fake = new FakeDiscordOptions { SessionStartRemaining = 0, SessionStartResetAfterMs = 600 };
        await using var bot = await BotHarness.StartAsync(fake: fake, waitForReady: false);
        var started = DateTime.UtcNow;

        await bot.Logs.WaitForAsync(e => e.Message.Contains("identify budget used up", StringComparison.Ordinal));
        Assert.Equal(0, bot.Discord.Gateway.Count("identify"));

        // After the wait the bot asks Discord for the budget again (still 0 here): it must never identify.
        await bot.Discord.Requests.WaitForAsync(r => r.Is("GET", "/api/v10/gateway/bot"), Wait, count: 2);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, bot.Discord.Gateway.Count("identify"));
    }

    [Fact]
    public async Task A_malformed_gateway_payload_costs_a_reconnect_not_the_host()
    {
        await using var bot = await BotHarness.StartAsync();
        var gateway = bot.Discord.Gateway;

        // READY without session_id on a fresh identify: the bot must log it and try again, not crash.
        await gateway.DispatchAsync("READY", new System.Text.Json.Nodes.JsonObject { ["user"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "1" } });

        await bot.Logs.WaitForAsync(e => e.Message.Contains("connection failed unexpectedly", StringComparison.Ordinal));
        await gateway.WaitForAsync("resumed", timeout: Wait);
        Assert.False(bot.Gateway.ExecuteTask!.IsCompleted);
        Assert.NotEqual(GatewayState.Failed, bot.Gateway.State);
    }
}
