using OpsBot.Alerts;
using OpsBot.Discord.Commands;
using OpsBot.Discord.Interactions;
using Microsoft.Extensions.Logging.Abstractions;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Tests.Operations;

public sealed class NameTableTests
{
    private readonly InteractionService _discord = new InteractionService(TimeProvider.System, NullLogger<InteractionService>.Instance)
        .AddModule<LogsModule>()
        .AddModule<RestartModule>()
        .AddModule<SmokeModule>()
        .AddModule<SilenceModule>()
        .AddModule<HistoryModule>();

    [Fact]
    public void Smoke_all_runs_the_proxy_first_then_the_agent_tests_in_the_cli_and_in_discord()
    {
        Assert.True(SmokeTestNames.TryParse("all", out var cli));
        Assert.Equal([SmokeTestKind.ProxyDirect, SmokeTestKind.TwoPlusTwo, SmokeTestKind.ListTmp], cli);
        Assert.Equal(cli, SmokeTestNames.Kinds(SmokeTestSelection.All));
        Assert.True(SmokeTestNames.TryParse(null, out var nothing));
        Assert.Equal(cli, nothing);
    }

    [Theory]
    [InlineData("smoke", "test")]
    [InlineData("logs", "service")]
    [InlineData("restart", "service")]
    [InlineData("silence", "target")]
    [InlineData("history", "kind")]
    public void Discord_offers_exactly_the_names_the_cli_and_admin_socket_accept(string command, string option)
    {
        var choices = _discord.SlashCommands.Single(c => c.Name == command).Options.Single(o => o.Name == option).Choices;

        Assert.All(choices, c => Assert.Equal(c.Name, c.Value));
        IReadOnlyList<string> cliNames = option switch
        {
            "test" => SmokeTestNames.Names,
            "target" => AlertTargets.Names,
            "kind" => EnumNames<HistoryKind>.Names,
            _ => EnumNames<StackService>.Names,
        };
        Assert.Equal(cliNames, choices.Select(c => c.Value));
    }

    [Theory]
    [InlineData("proxy", SmokeTestKind.ProxyDirect)]
    [InlineData("direct", SmokeTestKind.ProxyDirect)]
    [InlineData("proxy-direct", SmokeTestKind.ProxyDirect)]
    [InlineData("tmp", SmokeTestKind.ListTmp)]
    [InlineData(" LIST-TMP ", SmokeTestKind.ListTmp)]
    [InlineData("math", SmokeTestKind.TwoPlusTwo)]
    public void The_cli_keeps_its_old_spellings_as_aliases(string typed, SmokeTestKind expected)
    {
        Assert.True(SmokeTestNames.TryParse(typed, out var kinds));
        Assert.Equal([expected], kinds);
    }

    [Fact]
    public void Discord_takes_only_the_exact_names_it_offered()
    {
        Assert.True(EnumNames<StackService>.TryParseExact("gateway", out var gateway));
        Assert.Equal(StackService.Gateway, gateway);
        Assert.False(EnumNames<StackService>.TryParseExact("openclaw", out _));
        Assert.False(EnumNames<StackService>.TryParseExact("Gateway", out _));
        Assert.True(EnumNames<StackService>.TryParse("OpenClaw", out var alias));
        Assert.Equal(StackService.Gateway, alias);
    }

    [Fact]
    public void Alert_target_names_round_trip_and_all_means_every_target()
    {
        Assert.Equal(["vllm", "proxy", "gateway", "no-reply", "all"], AlertTargets.Names);
        Assert.True(AlertTargets.TryParse("all", out var all));
        Assert.Null(all);
        Assert.True(AlertTargets.TryParse("noreply", out var noReply));
        Assert.Equal(AlertTarget.NoReply, noReply);
        Assert.All(Enum.GetValues<AlertTarget>(), t => Assert.True(AlertTargets.TryParse(AlertTargets.Name(t), out var back) && back == t));
        Assert.Equal("all", AlertTargets.Name(null));
        Assert.False(AlertTargets.TryParse("database", out _));
    }

    [Fact]
    public void Names_are_listed_for_messages()
    {
        Assert.Equal("vllm, proxy or gateway", EnumNames<StackService>.Listed);
    }

    [Fact]
    public void An_enum_member_without_a_name_fails_at_first_use()
    {
        var error = Assert.Throws<TypeInitializationException>(() => EnumNames<Unnamed>.Names);

        Assert.Contains("Unnamed.Second has no [ChoiceDisplay] name", error.InnerException!.Message);
    }

    [Fact]
    public void A_word_used_twice_fails_at_first_use()
    {
        var error = Assert.Throws<TypeInitializationException>(() => EnumNames<Clashing>.Names);

        Assert.Contains("used twice", error.InnerException!.Message);
    }

    [Fact]
    public void Silence_minutes_are_bounded_in_discord_by_the_ceiling_the_option_is_validated_against()
    {
        var minutes = _discord.SlashCommands.Single(c => c.Name == "silence").Options.Single(o => o.Name == "minutes");
        Assert.Equal(AlertOptions.SilenceMinutesCeiling, minutes.MaxValue);

        var failures = new AlertOptionsValidator().Validate(null, new AlertOptions { MaxSilenceMinutes = AlertOptions.SilenceMinutesCeiling + 1 });
        Assert.Contains(failures.Failures!, f => f.Contains($"Alerts:MaxSilenceMinutes must be between 1 and {AlertOptions.SilenceMinutesCeiling}", StringComparison.Ordinal));
        Assert.True(new AlertOptionsValidator().Validate(null, new AlertOptions { MaxSilenceMinutes = AlertOptions.SilenceMinutesCeiling }).Succeeded);
    }

    private enum Unnamed
    {
        [ChoiceDisplay("first")]
        First,
        Second,
    }

    private enum Clashing
    {
        [ChoiceDisplay("one", "two")]
        One,
        [ChoiceDisplay("TWO")]
        Two,
    }
}
