using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.FakeDiscord;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.TestSupport;

namespace OpsBot.Tests.Discord;

/// <summary>
/// The <c>target</c> option end to end on the strict fake Discord, with two gateways (alpha, beta) and two vLLM containers
/// configured: autocomplete answered with their names, /restart of one target (confirmation, cooldown per target), /logs
/// and /smoke per target, and the ephemeral errors for a missing or unknown name.
/// </summary>
public sealed class DiscordTargetCommandTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static readonly OpsTargets Targets = new(
        [new GatewayOpsOptions { Name = "alpha" }, new GatewayOpsOptions { Name = "beta" }],
        [new VllmOpsOptions { Name = "gpu-a" }, new VllmOpsOptions { Name = "gpu-b" }]);

    [Fact]
    public async Task Autocomplete_is_answered_in_time_with_the_configured_names_of_the_picked_service()
    {
        await using var bot = await StartAsync();

        var gateways = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Autocomplete("restart", "target", "", [("service", "gateway")]));
        var vllm = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Autocomplete("logs", "target", "B", [("service", "vllm")]));
        var smoke = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Autocomplete("smoke", "target", "alp"));

        Assert.Equal(["alpha", "beta"], await ChoicesAsync(bot, gateways));
        Assert.Equal(["gpu-b"], await ChoicesAsync(bot, vllm));
        Assert.Equal(["alpha"], await ChoicesAsync(bot, smoke));
        Assert.All([gateways, vllm, smoke], i => Assert.Equal(8, i.CallbackType));
    }

    [Fact]
    public async Task A_member_without_the_admin_role_gets_no_suggestions_and_no_message()
    {
        await using var bot = await StartAsync();

        var interaction = await bot.Discord.DispatchInteractionAsync(
            bot.Discord.Interactions.Autocomplete("restart", "target", "", [("service", "gateway")], userId: FakeInteractions.BobUserId, roles: []));

        Assert.Empty(await ChoicesAsync(bot, interaction));
        Assert.Null(interaction.Original);
    }

    [Fact]
    public async Task An_autocomplete_from_another_server_gets_no_suggestions_and_no_message()
    {
        await using var bot = await StartAsync();

        var interaction = await bot.Discord.DispatchInteractionAsync(
            bot.Discord.Interactions.Autocomplete("logs", "target", "", [("service", "gateway")], guildId: 1300000000000000999));

        Assert.Empty(await ChoicesAsync(bot, interaction));
        Assert.Null(interaction.Original);
    }

    [Fact]
    public async Task Restart_with_a_target_restarts_only_that_one_and_its_cooldown_does_not_hold_back_the_other()
    {
        await using var bot = await StartAsync();
        bot.Restart.RestartAsync(StackService.Gateway, Arg.Any<string?>(), Arg.Any<string>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(call => new RestartResult(StackService.Gateway, true, $"gateway {call.ArgAt<string>(1)} healthy again after 2.0 s", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));

        var confirmBeta = await PromptAsync(bot, "beta");
        Assert.Equal("restart:confirm:gateway:beta:", confirmBeta[..^12]);
        var press = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(confirmBeta, 1300000000000009999));
        var result = await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(press.Token, StringComparison.Ordinal) && r.Body.Contains("Restart: gateway beta", StringComparison.Ordinal), Wait);

        await bot.Restart.Received(1).RestartAsync(StackService.Gateway, "beta", Arg.Any<string>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
        await bot.Restart.DidNotReceive().RestartAsync(StackService.Gateway, "alpha", Arg.Any<string>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
        await bot.Restart.DidNotReceive().RestartAsync(StackService.Gateway, Arg.Any<string>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
        Assert.Contains("gateway beta healthy again", result.Body);

        // beta is cooling down; alpha is not.
        var again = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "gateway"), ("target", "beta")]));
        var cooldown = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{again.Id}/", timeout: Wait);
        Assert.Equal(64, cooldown.Json!["data"]!["flags"]!.GetValue<int>());
        Assert.Contains("`gateway beta` was restarted recently", cooldown.Json["data"]!["content"]!.GetValue<string>());
        Assert.StartsWith("restart:confirm:gateway:alpha:", await PromptAsync(bot, "ALPHA"));
    }

    [Fact]
    public async Task A_confirm_button_for_another_target_than_asked_is_refused()
    {
        await using var bot = await StartAsync();

        var confirmBeta = await PromptAsync(bot, "beta");
        var forged = confirmBeta.Replace(":beta:", ":alpha:", StringComparison.Ordinal);
        var press = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button(forged, 1300000000000009999));
        var answer = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{press.Id}/", timeout: Wait);

        Assert.Contains("expired", answer.Json!["data"]!["content"]!.GetValue<string>());
        await bot.Restart.DidNotReceiveWithAnyArgs().RestartAsync(default, default, default!, default, default);
    }

    [Theory]
    [InlineData("restart", null, "Several gateway targets are configured; say which one with `target`: `alpha`, `beta`.")]
    [InlineData("restart", "gamma", "No gateway target `gamma`; configured: `alpha`, `beta`.")]
    [InlineData("logs", "gamma", "No gateway target `gamma`; configured: `alpha`, `beta`.")]
    [InlineData("smoke", "gamma", "No gateway target `gamma`; configured: `alpha`, `beta`.")]
    public async Task A_missing_or_unknown_target_gets_an_ephemeral_error_naming_the_valid_ones(string command, string? target, string expected)
    {
        await using var bot = await StartAsync();
        List<(string, object)> options = command == "smoke" ? [("test", "2+2")] : [("service", "gateway")];
        if (target is not null)
        {
            options.Add(("target", target));
        }

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand(command, options));
        var answer = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);

        Assert.Equal(4, answer.Json!["type"]!.GetValue<int>());
        Assert.Equal(64, answer.Json["data"]!["flags"]!.GetValue<int>());
        Assert.Equal("⚠️ " + expected, answer.Json["data"]!["content"]!.GetValue<string>());
        await bot.Restart.DidNotReceiveWithAnyArgs().RestartAsync(default, default, default!, default, default);
        await bot.LogTail.DidNotReceiveWithAnyArgs().TailAsync(default, default, default, default);
        await bot.Smoke.DidNotReceiveWithAnyArgs().RunAsync(default, default, default, default);
    }

    [Fact]
    public async Task Logs_without_a_target_show_the_first_named_and_point_to_the_others()
    {
        await using var bot = await StartAsync();
        bot.LogTail.TailAsync(StackService.Vllm, Arg.Any<string?>(), 20, Arg.Any<CancellationToken>())
            .Returns(call => new LogTail(StackService.Vllm, 20, [$"log of {call.ArgAt<string>(1)}"]));

        var first = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("logs", [("service", "vllm"), ("lines", 20)]));
        var named = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("logs", [("service", "vllm"), ("lines", 20), ("target", "gpu-b")]));
        var firstEdit = await EditAsync(bot, first);
        var namedEdit = await EditAsync(bot, named);

        Assert.Contains("**vllm gpu-a**: last 1 line(s)", firstEdit);
        Assert.Contains("log of gpu-a", firstEdit);
        Assert.Contains("other vllm targets: `gpu-b`", firstEdit);
        Assert.Contains("**vllm gpu-b**", namedEdit);
        Assert.Contains("log of gpu-b", namedEdit);
        Assert.DoesNotContain("other vllm targets", namedEdit);
    }

    [Fact]
    public async Task Smoke_without_a_target_runs_the_agent_tests_on_each_gateway_in_turn_and_names_them()
    {
        await using var bot = await StartAsync();
        bot.Smoke.RunAsync(SmokeTestKind.ProxyDirect, Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(new SmokeTestResult(SmokeTestKind.ProxyDirect, true, TimeSpan.FromSeconds(0.4), "ok"));
        bot.Smoke.RunAsync(Arg.Any<SmokeTestKind>(), Arg.Any<string?>(), Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>())
            .Returns(call => new SmokeTestResult(call.ArgAt<SmokeTestKind>(0), call.ArgAt<string>(1) == "alpha", TimeSpan.FromSeconds(3), "2 + 2 = 4", null, call.ArgAt<string>(1)));

        var all = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("smoke", [("test", "2+2")]));
        var embed = (await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(all.Token, StringComparison.Ordinal) && r.Body.Contains("\"title\"", StringComparison.Ordinal), Wait)).Json!["embeds"]![0]!;
        var one = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("smoke", [("test", "2+2"), ("target", "beta")]));
        var oneEmbed = (await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(one.Token, StringComparison.Ordinal) && r.Body.Contains("\"title\"", StringComparison.Ordinal), Wait)).Json!["embeds"]![0]!;

        Assert.Equal("Smoke test 2+2: 1/2 passed", embed["title"]!.GetValue<string>());
        Assert.Equal(["✅ 2+2 on alpha: passed in 3.0 s", "❌ 2+2 on beta: failed in 3.0 s"], embed["fields"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()));
        Assert.Equal("Smoke test 2+2 on beta: 0/1 passed", oneEmbed["title"]!.GetValue<string>());
        await bot.Smoke.Received(2).RunAsync(SmokeTestKind.TwoPlusTwo, "beta", Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
        await bot.Smoke.Received(1).RunAsync(SmokeTestKind.TwoPlusTwo, "alpha", Arg.Any<IProgress<string>?>(), Arg.Any<CancellationToken>());
    }

    private static Task<BotHarness> StartAsync() => BotHarness.StartAsync(services: s => s.AddSingleton(Targets));

    private static async Task<string> PromptAsync(BotHarness bot, string target)
    {
        var command = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("restart", [("service", "gateway"), ("target", target)]));
        var prompt = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{command.Id}/", timeout: Wait);
        Assert.Equal(4, prompt.Json!["type"]!.GetValue<int>());
        return prompt.Json["data"]!["components"]![0]!["components"]![0]!["custom_id"]!.GetValue<string>();
    }

    private static async Task<string> EditAsync(BotHarness bot, FakeInteraction interaction) =>
        (await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal), Wait)).Json!["content"]!.GetValue<string>();

    private static async Task<IReadOnlyList<string>> ChoicesAsync(BotHarness bot, FakeInteraction interaction)
    {
        await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        await Eventually.HoldsAsync(() => interaction.CallbackType is not null, "the callback was accepted");
        Assert.Equal(8, interaction.CallbackType);
        return [.. interaction.Choices!.Select(c => c!["value"]!.GetValue<string>())];
    }
}
