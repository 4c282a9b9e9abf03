using Microsoft.Extensions.Logging;
using OpsBot.Discord.Gateway;
using OpsBot.FakeDiscord;

namespace OpsBot.Tests.Discord;

public sealed class GatewayCloseCodesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(null, ReconnectAction.Resume)]
    [InlineData(4000, ReconnectAction.Resume)]
    [InlineData(4001, ReconnectAction.Resume)]
    [InlineData(4002, ReconnectAction.Resume)]
    [InlineData(4003, ReconnectAction.Identify)]
    [InlineData(4004, ReconnectAction.Fatal)]
    [InlineData(4005, ReconnectAction.Resume)]
    [InlineData(4007, ReconnectAction.Identify)]
    [InlineData(4008, ReconnectAction.Resume)]
    [InlineData(4009, ReconnectAction.Identify)]
    [InlineData(4010, ReconnectAction.Fatal)]
    [InlineData(4011, ReconnectAction.Fatal)]
    [InlineData(4012, ReconnectAction.Fatal)]
    [InlineData(4013, ReconnectAction.Fatal)]
    [InlineData(4014, ReconnectAction.Fatal)]
    public void Each_close_code_maps_to_discords_reconnect_rule(int? code, ReconnectAction expected)
    {
        Assert.Equal(expected, GatewayCloseCodes.Classify(code));
        Assert.NotEqual("unexpected close", GatewayCloseCodes.Describe(code));
    }

    [Fact]
    public async Task A_privileged_intent_the_portal_did_not_grant_is_4014_and_the_bot_gives_up_saying_why()
    {
        // MESSAGE_CONTENT is privileged and not granted: the fake closes the IDENTIFY with 4014 by its own rules.
        await using var bot = await BotHarness.StartAsync(c => c["Discord:Intents"] = (1 << 15).ToString(System.Globalization.CultureInfo.InvariantCulture), waitForReady: false);
        bot.ExpectCompliance = false;

        var close = await bot.Discord.Gateway.WaitForAsync("rule-close", timeout: Wait);
        await bot.Gateway.ExecuteTask!.WaitAsync(Wait);

        Assert.Equal(4014, close.CloseCode);
        Assert.Equal(GatewayState.Failed, bot.Gateway.State);
        Assert.Equal(1, bot.Discord.Gateway.ConnectionCount);
        Assert.Single(bot.Logs.Entries, e => e.Level == LogLevel.Critical && e.Message.Contains("4014", StringComparison.Ordinal));
    }
}
