using OpsBot.IntegrationTests.Deploy.Nspawn;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>What docs/deploy.md shows must be what ships and what the deployment test does.</summary>
public sealed class DeployGuideTests
{
    private static readonly DeployGuide Guide = DeployGuide.Load();

    [Fact]
    public void Guide_shows_the_settings_template_exactly_as_shipped()
    {
        var shipped = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "opsbot.env.example")).ReplaceLineEndings("\n");

        Assert.Equal(shipped, Guide.Block("env-template"));
    }

    [Theory]
    [InlineData("Discord__Token")]
    [InlineData("Discord__GuildId")]
    [InlineData("Discord__AlertChannelId")]
    [InlineData("Discord__AdminRoleIds__0")]
    [InlineData("Discord__AdminUserIds__0")]
    [InlineData("Ops__Vllm__ContainerName")]
    [InlineData("Ops__Gateway__Host")]
    [InlineData("Ops__Gateway__User")]
    [InlineData("Ops__Gateway__PrivateKeyPath")]
    [InlineData("Ops__Gateway__HostKeyFingerprint")]
    public void Settings_template_sets_what_the_commands_and_alerts_need(string key)
    {
        Assert.Contains(Guide.Block("env-template").Split('\n'), line => line.StartsWith(key + "=", StringComparison.Ordinal));
    }

    [Fact]
    public void Guide_publishes_with_the_options_the_deployment_test_uses()
    {
        Assert.Contains($"dotnet publish src/OpsBot {SelfContainedPublish.Arguments} -o artifacts/opsbot-$version", Guide.Text);
    }

    [Fact]
    public void Guide_enables_linger_before_the_service()
    {
        var enable = Guide.Block("enable");

        Assert.True(enable.IndexOf("sudo loginctl enable-linger \"$USER\"", StringComparison.Ordinal) is >= 0 and var linger
            && linger < enable.IndexOf("systemctl --user enable --now opsbot.service", StringComparison.Ordinal), enable);
    }

    [Fact]
    public void Marked_blocks_are_found_and_unmarked_ones_are_not()
    {
        var guide = DeployGuide.Parse("""
            <!-- deploy-test: one -->
            ```sh
            echo one
            echo two
            ```

            ```sh
            echo unmarked
            ```
            """);

        Assert.Equal(["one"], guide.BlockNames);
        Assert.Equal("echo one\necho two\n", guide.Block("one"));
        Assert.Throws<InvalidOperationException>(() => guide.Block("unmarked"));
    }
}
