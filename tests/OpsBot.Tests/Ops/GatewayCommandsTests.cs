using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Ssh;

namespace OpsBot.Tests.Ops;

public sealed class GatewayCommandsTests
{
    private static GatewayCommands Commands(Action<GatewayOpsOptions>? tweak = null)
    {
        var options = new GatewayOpsOptions { OpenClawEnvironment = { ["VLLM_API_KEY"] = "it's-secret" } };
        tweak?.Invoke(options);
        return new GatewayCommands(options);
    }

    [Fact]
    public void Unit_commands_come_from_fixed_templates_with_quoted_values()
    {
        var commands = Commands();

        Assert.Equal("systemctl --user is-active 'openclaw-gateway.service'", commands.IsActive().Text);
        Assert.Equal("systemctl --user show 'openclaw-gateway.service' --property=ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID", commands.Show().Text);
        Assert.Equal("systemctl --user restart 'openclaw-gateway.service'", commands.Restart().Text);
        Assert.Equal("journalctl --user -u 'openclaw-gateway.service' -n 50 --no-pager", commands.Journal(50).Text);
        Assert.Equal("tail -n 20 -- '/tmp/openclaw'/openclaw-\"$(date +%F)\".log", commands.DetailedLog(20).Text);
    }

    [Theory]
    [InlineData(0, "1")]
    [InlineData(-5, "1")]
    [InlineData(1_000_000, "2000")]
    public void Line_counts_are_clamped_integers(int requested, string sent)
    {
        Assert.Equal($"journalctl --user -u 'openclaw-gateway.service' -n {sent} --no-pager", Commands().Journal(requested).Text);
    }

    [Fact]
    public void Agent_command_quotes_the_environment_and_hides_it_from_the_display()
    {
        var command = Commands().Agent(SmokeTestKind.TwoPlusTwo, TimeSpan.FromSeconds(90));

        Assert.Equal(
            "timeout -k 5 90 env VLLM_API_KEY='it'\"'\"'s-secret' 'openclaw' agent --local --agent main -m 'What is 2+2?' --json < /dev/null",
            command.Text);
        Assert.Equal("timeout -k 5 90 env VLLM_API_KEY=*** 'openclaw' agent --local --agent main -m 'What is 2+2?' --json < /dev/null", command.Display);
        Assert.DoesNotContain("secret", command.ToString());
    }

    [Fact]
    public void ProxyDirect_is_not_an_agent_command()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Commands().Agent(SmokeTestKind.ProxyDirect, TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData("x.service; rm -rf /")]
    [InlineData("$(reboot).service")]
    [InlineData("openclaw-gateway")]
    [InlineData("")]
    public void Refuses_to_build_from_an_invalid_unit_name(string unit)
    {
        var error = Assert.Throws<ArgumentException>(() => Commands(o => o.UnitName = unit));

        Assert.Contains("invalid unit name", error.Message);
    }

    [Fact]
    public void Refuses_environment_names_that_are_not_plain_identifiers()
    {
        Assert.Throws<ArgumentException>(() => Commands(o => o.OpenClawEnvironment["A=B; reboot"] = "x"));
    }

    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\"'\"'s'")]
    [InlineData("$(reboot) `x` \"y\"", "'$(reboot) `x` \"y\"'")]
    public void Shell_quoting_leaves_nothing_for_the_shell_to_expand(string value, string quoted)
    {
        Assert.Equal(quoted, ShellQuote.Quote(value));
    }

    [Fact]
    public void Status_bundle_output_splits_into_its_three_sections()
    {
        var output = "active\n" + GatewayCommands.BundleSeparator + "\nActiveState=active\nSubState=running\n" + GatewayCommands.BundleSeparator + "\nNov 25 [discord] logged in to discord as 1 (Bot)\n";

        var (isActive, show, login) = GatewayCommands.SplitStatusBundle(output);

        Assert.Equal(("active", "ActiveState=active\nSubState=running", "Nov 25 [discord] logged in to discord as 1 (Bot)"), (isActive, show, login));
    }
}
