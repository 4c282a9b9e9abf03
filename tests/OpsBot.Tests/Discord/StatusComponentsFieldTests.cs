using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.Components;
using OpsBot.Ops;

namespace OpsBot.Tests.Discord;

/// <summary>Discord's /status says which of OpsBot's own parts are not running, and why.</summary>
public sealed class StatusComponentsFieldTests
{
    [Fact]
    public async Task Status_adds_a_field_for_components_that_are_not_running_and_names_off_ones_in_the_footer()
    {
        await using var bot = await BotHarness.StartAsync();
        var states = bot.Host.Services.GetRequiredService<ComponentStates>();
        states.Report(ComponentNames.History, ComponentState.Degraded, "/var/lib/opsbot/opsbot.db: locked by another process");
        states.ReportCrash(ComponentNames.Alerts, "AlertDispatcher", "ArgumentException: Requested value 'FromTheFuture' was not found.");
        states.SwitchOff(ComponentNames.GatewaySsh, "no Ops:Gateway:Host configured");
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow,
            [new ServiceStatus(StackService.Vllm, HealthState.Healthy, "serving", [])]));

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));

        var edit = await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(interaction.Token, StringComparison.Ordinal), TimeSpan.FromSeconds(8));
        var embed = edit.Json!["embeds"]![0]!;
        var fields = embed["fields"]!.AsArray();
        // vLLM reported no figures, so its headline line is all there is of it.
        var field = Assert.Single(fields);
        Assert.Equal("OpsBot components", field!["name"]!.GetValue<string>());
        var value = field["value"]!.GetValue<string>();
        Assert.Contains("**history** degraded: /var/lib/opsbot/opsbot.db: locked by another process", value);
        Assert.Contains("**alerts** failed: AlertDispatcher: ArgumentException", value);
        Assert.DoesNotContain("gateway-ssh", value);
        Assert.DoesNotContain("discord", value);
        // Off (not configured) is no problem: named once, in the footer.
        Assert.Equal("off: gateway-ssh", embed["footer"]!["text"]!.GetValue<string>());
    }
}
