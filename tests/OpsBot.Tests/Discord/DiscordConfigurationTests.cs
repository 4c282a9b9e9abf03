using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Components;
using OpsBot.Discord;
using OpsBot.Discord.Gateway;

namespace OpsBot.Tests.Discord;

public sealed class DiscordConfigurationTests
{
    [Fact]
    public async Task Without_a_token_the_bot_is_disabled_with_one_information_line_and_nothing_else_starts()
    {
        var logs = new LogCapture();
        using var host = BotHarness.Build(new Dictionary<string, string?> { ["Discord:GuildId"] = "1" }, logs);

        await host.StartAsync();
        await host.StopAsync();

        var discordLines = logs.Entries.Where(e => e.Category.StartsWith("OpsBot.Discord", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(discordLines);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Discord bot disabled: no Discord:Token configured; proxy and monitors keep running.", line.Message);
        Assert.Null(host.Services.GetService<DiscordGatewayClient>());
        Assert.DoesNotContain(host.Services.GetServices<IHostedService>(), s => s is DiscordGatewayClient);
        var sender = host.Services.GetRequiredService<IDiscordMessageSender>();
        Assert.False(sender.IsEnabled);
        Assert.Null(await sender.SendAsync(1, DiscordMessage.FromText("x"), CancellationToken.None));
    }

    [Fact]
    public async Task A_token_without_a_guild_disables_the_bot_with_one_error_naming_the_key_and_the_host_runs()
    {
        var logs = new LogCapture();
        using var host = BotHarness.Build(new Dictionary<string, string?> { ["Discord:Token"] = "abc.def.ghi" }, logs);

        await host.StartAsync();
        await host.StopAsync();

        var discord = host.Services.GetRequiredService<ComponentStates>().Get(ComponentNames.Discord);
        Assert.Equal(ComponentState.Disabled, discord.State);
        Assert.Contains("Discord:GuildId is required when Discord:Token is set", discord.Reason);
        var error = Assert.Single(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains("Component discord is disabled by its configuration: Discord:GuildId is required", error.Message);
        Assert.Null(host.Services.GetService<DiscordGatewayClient>());
        Assert.False(host.Services.GetRequiredService<IDiscordMessageSender>().IsEnabled);
    }

    [Theory]
    [InlineData("Token", "Bot abc.def", "without the 'Bot ' prefix")]
    [InlineData("RestBaseUrl", "discord.com/api", "Discord:RestBaseUrl must be an absolute http(s) URL")]
    [InlineData("AdminRoleIds:0", "0", "Discord__AdminRoleIds__0=")]
    [InlineData("RestartConfirmTimeout", "00:20:00", "Discord:RestartConfirmTimeout")]
    [InlineData("AutoDeferAfter", "00:00:04", "within 3 s")]
    [InlineData("InvalidSessionDelayMax", "00:00:00.5", "Discord:InvalidSessionDelayMin must be")]
    public void Validator_rejects_bad_values_with_clear_messages(string key, string value, string expected)
    {
        var options = new DiscordOptions { Token = "abc.def.ghi", GuildId = 1 };
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value })
            .Build();
        config.Bind(options);

        var result = new DiscordOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void Validator_accepts_a_minimal_configuration()
    {
        var result = new DiscordOptionsValidator().Validate(null, new DiscordOptions { Token = "abc.def.ghi", GuildId = 1300000000000000100 });

        Assert.True(result.Succeeded);
    }
}
