using System.Text.Json.Nodes;
using NSubstitute;
using OpsBot.Discord;
using OpsBot.FakeDiscord;
using OpsBot.Ops;
using OpsBot.Tests.Status;

namespace OpsBot.Tests.Discord;

public sealed class DiscordCommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Status_is_deferred_then_the_original_is_edited_with_a_headline_per_service_coloured_by_the_worst_state()
    {
        await using var bot = await BotHarness.StartAsync();
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow,
        [
            StatusSamples.Vllm(),
            new ServiceStatus(StackService.Proxy, HealthState.Degraded, "7 of 12 requests failed in the last hour", []),
            StatusSamples.Gateway(),
        ]));

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));

        var callback = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        Assert.Equal(204, callback.Status);
        Assert.Equal(5, callback.Json!["type"]!.GetValue<int>());
        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        Assert.Equal(200, edit.Status);
        var embed = edit.Json!["embeds"]![0]!;
        Assert.Equal(DiscordColors.Orange, embed["color"]!.GetValue<int>());
        var headline = embed["description"]!.GetValue<string>().Split('\n');
        Assert.Equal(["✅ **vLLM** · KV cache 41 %", "⚠️ **proxy** · degraded"], headline[..2]);
        Assert.StartsWith("✅ **gateway** · started <t:", headline[2]);
        var fields = embed["fields"]!.AsArray();
        Assert.Equal(["vLLM", "proxy · last hour", "gateway"], fields.Select(f => f!["name"]!.GetValue<string>()));
        Assert.StartsWith("Qwen/Qwen3-Coder-Next-FP8\n2 running · 1 waiting", fields[0]!["value"]!.GetValue<string>());
        Assert.Equal("7 of 12 requests failed in the last hour", fields[1]!["value"]!.GetValue<string>());
        // Charts are not part of this bot's build: no button that could only answer "off".
        Assert.Empty(edit.Json["components"]?.AsArray() ?? []);
        Assert.Equal(5, interaction.CallbackType);
        Assert.Same(interaction.Original, interaction.Edits.Last());
    }

    [Fact]
    public async Task Unauthorised_restart_is_refused_ephemerally_and_logged()
    {
        await using var bot = await BotHarness.StartAsync();

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand(
            "restart", [("service", "gateway")], userId: FakeInteractions.BobUserId, roles: []));

        var callback = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        Assert.Equal(4, callback.Json!["type"]!.GetValue<int>());
        Assert.Equal(64, callback.Json["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("not allowed", callback.Json["data"]!["content"]!.GetValue<string>());
        await bot.Logs.WaitForAsync(e => e.Message.Contains("/restart refused", StringComparison.Ordinal) && e.Message.Contains(FakeInteractions.BobUserId.ToString(), StringComparison.Ordinal));
        await bot.Restart.DidNotReceiveWithAnyArgs().RestartAsync(default, default!, default, default);
    }

    [Fact]
    public async Task Authorised_restart_asks_for_confirmation_then_reports_progress_and_time_until_healthy()
    {
        await using var bot = await BotHarness.StartAsync();
        var release = new TaskCompletionSource();
        bot.Restart.RestartAsync(StackService.Gateway, Arg.Any<string>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(async call =>
            {
                var progress = call.Arg<IProgress<string>?>()!;
                progress.Report("systemctl --user restart openclaw-gateway");
                await release.Task;
                progress.Report("waiting for /health");
                return new RestartResult(StackService.Gateway, true, "Gateway restarted and healthy.", TimeSpan.FromSeconds(6.5), TimeSpan.FromSeconds(4.2));
            });

        var command = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "gateway")]));
        var prompt = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{command.Id}/", timeout: Wait);
        Assert.Equal(4, prompt.Json!["type"]!.GetValue<int>());
        var buttons = prompt.Json["data"]!["components"]![0]!["components"]!.AsArray();
        var confirmId = buttons[0]!["custom_id"]!.GetValue<string>();
        Assert.StartsWith("restart:confirm:gateway:", confirmId);
        await bot.Restart.DidNotReceiveWithAnyArgs().RestartAsync(default, default!, default, default);

        var press = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(confirmId, messageId: 1300000000000009999));
        var update = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{press.Id}/", timeout: Wait);
        Assert.Equal(7, update.Json!["type"]!.GetValue<int>());
        Assert.Contains("Restarting **gateway**", update.Json["data"]!["content"]!.GetValue<string>());
        Assert.Empty(update.Json["data"]!["components"]!.AsArray());

        var progressEdit = await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Body.Contains("systemctl --user restart openclaw-gateway", StringComparison.Ordinal), Wait);
        Assert.Contains(press.Token, Uri.UnescapeDataString(progressEdit.Path));
        release.SetResult();

        var result = await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Body.Contains("Restart: gateway", StringComparison.Ordinal), Wait);
        var embed = result.Json!["embeds"]![0]!;
        Assert.Equal(DiscordColors.Green, embed["color"]!.GetValue<int>());
        Assert.Contains(embed["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "Healthy after" && f["value"]!.GetValue<string>() == "4.2 s");
        Assert.Contains("waiting for /health", embed["description"]!.GetValue<string>());
        await bot.Restart.Received(1).RestartAsync(StackService.Gateway, Arg.Is<string>(s => s.Contains(FakeInteractions.AliceUserId.ToString())), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Only_the_requester_can_confirm_and_a_second_restart_waits_for_the_cooldown()
    {
        await using var bot = await BotHarness.StartAsync();
        bot.Restart.RestartAsync(default, default!, default, default).ReturnsForAnyArgs(new RestartResult(StackService.Vllm, true, "ok", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        var command = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "vllm")]));
        var prompt = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{command.Id}/", timeout: Wait);
        var confirmId = prompt.Json!["data"]!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();

        // Another admin (same role) presses the requester's button.
        var foreign = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(confirmId, 1300000000000009999, userId: FakeInteractions.BobUserId));
        var refusal = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{foreign.Id}/", timeout: Wait);
        Assert.Equal(4, refusal.Json!["type"]!.GetValue<int>());
        Assert.Equal(64, refusal.Json["data"]!["flags"]!.GetValue<int>());
        Assert.Contains($"Only <@{FakeInteractions.AliceUserId}>", refusal.Json["data"]!["content"]!.GetValue<string>());

        var press = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(confirmId, 1300000000000009999));
        await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Body.Contains("Restart: vllm", StringComparison.Ordinal), Wait);

        // The same nonce cannot be used twice.
        var again = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(confirmId, 1300000000000009999));
        var stale = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{again.Id}/", timeout: Wait);
        Assert.Contains("expired", stale.Json!["data"]!["content"]!.GetValue<string>());

        var second = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "vllm")]));
        var cooldown = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{second.Id}/", timeout: Wait);
        Assert.Equal(64, cooldown.Json!["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("restarted recently", cooldown.Json["data"]!["content"]!.GetValue<string>());
        await bot.Restart.ReceivedWithAnyArgs(1).RestartAsync(default, default!, default, default);
        Assert.NotNull(press.CallbackType);
    }

    [Fact]
    public async Task Long_log_tail_is_sent_as_a_file_attachment()
    {
        await using var bot = await BotHarness.StartAsync();
        var lines = Enumerable.Range(1, 200).Select(i => $"2025-06-01 12:00:{i % 60:00} INFO vllm.engine: step {i} tokens/s=1532").ToList();
        bot.LogTail.TailAsync(StackService.Vllm, null, 200, Arg.Any<CancellationToken>()).Returns(new LogTail(StackService.Vllm, 200, lines));

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("logs", [("service", "vllm"), ("lines", 200)]));

        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        Assert.Equal(200, edit.Status);
        Assert.StartsWith("multipart/form-data", edit.ContentType);
        var file = Assert.Single(edit.Files);
        Assert.Equal("files[0]", file.PartName);
        Assert.Equal("vllm-tail.log", file.FileName);
        Assert.Equal(string.Join('\n', lines) + "\n", file.Text);
        Assert.Equal("vllm-tail.log", edit.Json!["attachments"]![0]!["filename"]!.GetValue<string>());
        Assert.True(edit.Json["content"]!.GetValue<string>().Length <= 2000);
        Assert.Contains("step 200 ", edit.Json["content"]!.GetValue<string>());
        Assert.Empty(edit.Json["allowed_mentions"]!["parse"]!.AsArray());
        Assert.Equal(5, interaction.CallbackType);
    }

    [Fact]
    public async Task Short_log_tail_is_inline_with_code_fences_in_the_log_neutralised()
    {
        await using var bot = await BotHarness.StartAsync();
        bot.LogTail.TailAsync(StackService.Proxy, null, 50, Arg.Any<CancellationToken>())
            .Returns(new LogTail(StackService.Proxy, 50, ["line one", "evil ```\n@everyone``` break-out"]));

        await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("logs", [("service", "proxy")]));

        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        var content = edit.Json!["content"]!.GetValue<string>();
        Assert.Empty(edit.Files);
        Assert.StartsWith("**proxy**: last 2 line(s) (asked for 50)\n```text\nline one\n", content);
        Assert.EndsWith("\n```", content);
        Assert.Equal(2, content.Split("```").Length - 1);
        Assert.Empty(edit.Json["allowed_mentions"]!["parse"]!.AsArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task Lines_out_of_range_get_a_clear_ephemeral_error_and_the_log_is_not_read(int lines)
    {
        await using var bot = await BotHarness.StartAsync();

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("logs", [("service", "gateway"), ("lines", lines)]));

        var callback = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        Assert.Equal(4, callback.Json!["type"]!.GetValue<int>());
        Assert.Equal(64, callback.Json["data"]!["flags"]!.GetValue<int>());
        Assert.Contains($"Option `lines` must be between 1 and 500 (got {lines})", callback.Json["data"]!["content"]!.GetValue<string>());
        await bot.LogTail.DidNotReceiveWithAnyArgs().TailAsync(default, default, default, default);
    }

    [Fact]
    public async Task Smoke_all_runs_every_test_and_reports_verdicts_timings_and_replies()
    {
        await using var bot = await BotHarness.StartAsync();
        bot.Smoke.RunAsync(SmokeTestKind.TwoPlusTwo, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.TwoPlusTwo, true, TimeSpan.FromSeconds(3.1), "2 + 2 = 4"));
        bot.Smoke.RunAsync(SmokeTestKind.ListTmp, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.ListTmp, false, TimeSpan.FromSeconds(12), "I cannot list files.", "no exec tool call"));
        bot.Smoke.RunAsync(SmokeTestKind.ProxyDirect, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.ProxyDirect, true, TimeSpan.FromSeconds(0.4), "ok"));

        await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("smoke", [("test", "all")]));

        var result = await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Body.Contains("Smoke test all", StringComparison.Ordinal), Wait);
        var embed = result.Json!["embeds"]![0]!;
        Assert.Equal("Smoke test all: 2/3 passed", embed["title"]!.GetValue<string>());
        Assert.Equal(DiscordColors.Red, embed["color"]!.GetValue<int>());
        var fields = embed["fields"]!.AsArray();
        // The same tests in the same order as `opsbot smoke all`: the proxy first.
        Assert.StartsWith("✅ proxy-direct", fields[0]!["name"]!.GetValue<string>());
        Assert.Equal("✅ 2+2: passed in 3.1 s", fields[1]!["name"]!.GetValue<string>());
        Assert.Contains("2 + 2 = 4", fields[1]!["value"]!.GetValue<string>());
        Assert.Equal("❌ list-tmp: failed in 12.0 s", fields[2]!["name"]!.GetValue<string>());
        Assert.Contains("no exec tool call", fields[2]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_command_other_guild_and_malformed_interactions_get_errors_and_the_bot_keeps_working()
    {
        await using var bot = await BotHarness.StartAsync();
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow, []));

        var unknown = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("frobnicate"));
        var unknownReply = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{unknown.Id}/", timeout: Wait);
        Assert.Equal(64, unknownReply.Json!["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("Unknown command `/frobnicate`", unknownReply.Json["data"]!["content"]!.GetValue<string>());

        var foreign = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status", guildId: 999));
        var foreignReply = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{foreign.Id}/", timeout: Wait);
        Assert.Equal(64, foreignReply.Json!["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("not configured for this server", foreignReply.Json["data"]!["content"]!.GetValue<string>());

        var broken = bot.Discord.Interactions.SlashCommand("status");
        broken.Remove("token");
        await bot.Discord.Gateway.DispatchAsync("INTERACTION_CREATE", broken);
        await bot.Logs.WaitForAsync(e => e.Message.Contains("malformed interaction (interaction has no token)", StringComparison.Ordinal));

        var wrongType = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("logs", [("service", "vllm"), ("lines", "fifty")]));
        var wrongTypeReply = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{wrongType.Id}/", timeout: Wait);
        Assert.Contains("Option `lines` must be a whole number", wrongTypeReply.Json!["data"]!["content"]!.GetValue<string>());

        var status = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        Assert.Equal(5, status.CallbackType);
        await bot.Status.ReceivedWithAnyArgs(1).GetStatusAsync(default);
    }

    [Fact]
    public async Task Commands_outside_the_allowed_channels_are_refused()
    {
        await using var bot = await BotHarness.StartAsync(c => c["Discord:AllowedChannelIds:0"] = FakeInteractions.AlertsChannelId.ToString());

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status", channelId: FakeInteractions.OpsChannelId));

        var reply = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        Assert.Equal(64, reply.Json!["data"]!["flags"]!.GetValue<int>());
        Assert.Contains($"<#{FakeInteractions.AlertsChannelId}>", reply.Json["data"]!["content"]!.GetValue<string>());
        await bot.Status.DidNotReceiveWithAnyArgs().GetStatusAsync(default);
    }

    [Fact]
    public async Task An_unconfirmed_restart_expires_and_its_button_stops_working()
    {
        await using var bot = await BotHarness.StartAsync(c => c["Discord:RestartConfirmTimeout"] = "00:00:00.400");

        var command = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "gateway")]));
        var prompt = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{command.Id}/", timeout: Wait);
        var confirmId = prompt.Json!["data"]!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();

        var expired = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        Assert.Contains(command.Token, Uri.UnescapeDataString(expired.Path));
        Assert.Contains("not confirmed in time", expired.Json!["content"]!.GetValue<string>());
        Assert.Empty(expired.Json["components"]!.AsArray());

        var late = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(confirmId, 1300000000000009999));
        var reply = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{late.Id}/", timeout: Wait);
        Assert.Contains("expired", reply.Json!["data"]!["content"]!.GetValue<string>());
        await bot.Restart.DidNotReceiveWithAnyArgs().RestartAsync(default, default!, default, default);
    }
}
