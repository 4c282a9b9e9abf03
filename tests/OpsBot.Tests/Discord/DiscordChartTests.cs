using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.Charts;
using OpsBot.Components;
using OpsBot.Discord.Commands;
using OpsBot.FakeDiscord;
using OpsBot.Ops;
using OpsBot.Tests.Charts;
using OpsBot.Tests.Status;

namespace OpsBot.Tests.Discord;

/// <summary>
/// Charts in Discord: <c>/chart range:</c> and the "Charts" button under /status defer, draw from history and upload the
/// PNG as multipart <c>payload_json</c> + <c>files[0]</c>, which the fake Discord checks against Discord's limits.
/// </summary>
public sealed class DiscordChartTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Chart_command_defers_then_uploads_the_png_of_the_range_as_files_0()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        await using var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<IChartService>(kit.Charts));

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("chart", [("range", "1h")]));

        var callback = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{interaction.Id}/", timeout: Wait);
        Assert.Equal(5, callback.Json!["type"]!.GetValue<int>());
        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        Assert.Equal(200, edit.Status);
        Assert.StartsWith("multipart/form-data", edit.ContentType);
        var file = Assert.Single(edit.Files);
        Assert.Equal(("files[0]", "opsbot-1h-20261125-0800Z.png", "image/png"), (file.PartName, file.FileName, file.ContentType));
        using var png = ChartTestKit.Decode(file.Content);
        Assert.Equal((ChartSize.Default.Width, ChartSize.Default.Height), (png.Width, png.Height));
        Assert.Equal((await kit.Charts.RenderAsync(ChartRange.Hour)).Png, file.Content);
        Assert.True(file.Content.Length < 10 * 1024 * 1024, "Discord's default upload limit is 10 MiB a file");
        var attachment = edit.Json!["attachments"]![0]!;
        Assert.Equal(file.FileName, attachment["filename"]!.GetValue<string>());
        Assert.Equal("OpsBot · last hour", edit.Json["content"]!.GetValue<string>()[3..]);
        Assert.StartsWith("OpsBot · last hour, ", attachment["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_charts_button_under_status_posts_the_24_h_chart_as_a_followup_and_leaves_the_status_as_it_was()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        await using var bot = await BotHarness.StartAsync(services: s => s.AddSingleton<IChartService>(kit.Charts));
        bot.Status.GetStatusAsync(Arg.Any<CancellationToken>()).Returns(new StackStatus(DateTimeOffset.UtcNow, [StatusSamples.Vllm()]));

        var status = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("status"));
        var edit = await bot.Discord.Requests.WaitForAsync(r => r.Is("PATCH", "/api/v10/webhooks/") && r.Path.Contains(status.Token, StringComparison.Ordinal), Wait);
        var button = edit.Json!["components"]![0]!["components"]![0]!;
        Assert.Equal(("Charts (24 h)", "chart:24h"), (button["label"]!.GetValue<string>(), button["custom_id"]!.GetValue<string>()));

        var press = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.Button("chart:24h", 1300000000000009999));

        var ack = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/interactions/{press.Id}/", timeout: Wait);
        Assert.Equal(6, ack.Json!["type"]!.GetValue<int>());
        var followup = await bot.Discord.Requests.WaitForAsync(r => r.Is("POST", "/api/v10/webhooks/") && r.Path.Contains(press.Token, StringComparison.Ordinal), Wait);
        Assert.Equal(200, followup.Status);
        var file = Assert.Single(followup.Files);
        Assert.Equal(("files[0]", "opsbot-24h-20261125-0800Z.png"), (file.PartName, file.FileName));
        using var png = ChartTestKit.Decode(file.Content);
        Assert.Empty(press.Edits);
    }

    [Fact]
    public async Task With_charts_off_the_command_says_why_and_status_has_no_button()
    {
        await using var bot = await BotHarness.StartAsync();
        bot.Host.Services.GetRequiredService<ComponentStates>().SwitchOff(ComponentNames.Charts, "Charts:Width: 'wide' is not a number");

        var interaction = await bot.Discord.DispatchInteractionAsync(bot.Discord.Interactions.SlashCommand("chart"));

        var edit = await bot.Discord.WaitForRequestAsync("PATCH", "/api/v10/webhooks/", timeout: Wait);
        Assert.Empty(edit.Files);
        Assert.Equal("📉 Charts are off: Charts:Width: 'wide' is not a number", edit.Json!["content"]!.GetValue<string>());
        Assert.Equal(5, interaction.CallbackType);
    }

    [Fact]
    public async Task The_chart_command_is_registered_with_its_three_ranges()
    {
        await using var bot = await BotHarness.StartAsync();

        var put = await bot.Discord.WaitForRequestAsync("PUT", "/api/v10/applications/", timeout: Wait);
        var chart = put.Json!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "chart")!;
        var range = chart["options"]![0]!;
        Assert.Equal("range", range["name"]!.GetValue<string>());
        Assert.Equal(ChartRange.All.Select(r => r.Name), range["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()));
        Assert.Equal(ChartModule.ButtonPrefix + ":24h", ChartModule.Button(ChartRange.Day).CustomId);
    }
}
