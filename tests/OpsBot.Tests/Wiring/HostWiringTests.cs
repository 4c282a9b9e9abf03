using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.Alerts;
using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.Ops.Restarts;
using OpsBot.Ops.Ssh;
using OpsBot.Wiring;

namespace OpsBot.Tests.Wiring;

public sealed class HostWiringTests
{
    private static IServiceProvider Build(params string[] extra) =>
        OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9",
            "--History:DatabasePath", Path.Combine(Path.GetTempPath(), $"opsbot-wiring-{Guid.NewGuid():N}.db"), .. extra]).Build().Services;

    [Fact]
    public void Restarts_open_a_maintenance_window_and_are_audited_in_history()
    {
        var services = Build();

        Assert.IsType<MaintenanceRestartService>(services.GetRequiredService<IRestartService>());
        Assert.IsType<RestartAuditStore>(services.GetRequiredService<IRestartAuditLog>());
        Assert.IsType<MonitorTransitionSource>(services.GetRequiredService<IHealthTransitionSource>());
    }

    [Fact]
    public void Without_discord_alerts_are_logged_and_with_a_token_they_are_posted()
    {
        Assert.IsType<LogOnlyAlertSink>(Build().GetRequiredService<IAlertSink>());
        Assert.IsType<DiscordAlertSink>(Build("--Discord:Token", "t", "--Discord:GuildId", "1", "--Discord:AlertChannelId", "2").GetRequiredService<IAlertSink>());
    }

    [Fact]
    public void A_bot_without_an_alert_channel_or_with_a_broken_section_logs_alerts_instead_of_retrying_them_forever()
    {
        Assert.IsType<LogOnlyAlertSink>(Build("--Discord:Token", "t", "--Discord:GuildId", "1").GetRequiredService<IAlertSink>());
        Assert.IsType<LogOnlyAlertSink>(Build("--Discord:Token", "t", "--Discord:AlertChannelId", "2").GetRequiredService<IAlertSink>());
    }

    [Fact]
    public void Charts_are_built_in_and_the_digest_goes_to_Discord_when_the_bot_is_configured()
    {
        Assert.NotNull(Build().GetRequiredService<IChartService>());
        Assert.IsType<LogOnlyDigestSink>(Build().GetRequiredService<IDigestSink>());
        Assert.IsType<DiscordDigestSink>(Build("--Discord:Token", "t", "--Discord:GuildId", "1", "--Discord:AlertChannelId", "2").GetRequiredService<IDigestSink>());
    }

    [Fact]
    public void Gateway_journal_is_read_only_when_a_gateway_host_is_configured()
    {
        Assert.Null(Build().GetService<IGatewayLogSource>());
        var key = Path.GetTempFileName();
        try
        {
            Assert.IsType<GatewayJournalSource>(Build(
                "--Ops:Gateway:Host", "gw.example", "--Ops:Gateway:User", "ops", "--Ops:Gateway:PrivateKeyPath", key,
                "--Ops:Gateway:HostKeyFingerprint", "SHA256:" + new string('A', 43)).GetService<IGatewayLogSource>());
        }
        finally
        {
            File.Delete(key);
        }
    }

    [Fact]
    public void Each_configured_gateway_has_its_own_journal_named_after_it_and_unit()
    {
        var key = Path.GetTempFileName();
        try
        {
            string[] gateway(int i, string name) =>
            [
                $"--Ops:Gateways:{i}:Name", name, $"--Ops:Gateways:{i}:Host", $"{name}.example", $"--Ops:Gateways:{i}:User", "ops",
                $"--Ops:Gateways:{i}:PrivateKeyPath", key, $"--Ops:Gateways:{i}:HostKeyFingerprint", "SHA256:" + new string('A', 43),
                $"--Ops:Gateways:{i}:UnitName", $"openclaw-{name}.service",
            ];

            var one = Build("--Ops:Gateway:Host", "gw.example", "--Ops:Gateway:User", "ops", "--Ops:Gateway:PrivateKeyPath", key,
                "--Ops:Gateway:HostKeyFingerprint", "SHA256:" + new string('A', 43)).GetServices<IGatewayLogSource>().ToList();
            var two = Build([.. gateway(0, "alpha"), .. gateway(1, "beta")]).GetServices<IGatewayLogSource>().ToList();

            Assert.Null(Assert.Single(one).Gateway);
            Assert.Equal(["alpha", "beta"], two.Select(s => s.Gateway));
            Assert.All(two, s => Assert.IsType<GatewayJournalSource>(s));
        }
        finally
        {
            File.Delete(key);
        }
    }

    [Fact]
    public async Task Each_gateway_journal_reads_its_own_unit_over_its_own_host()
    {
        var ssh = Substitute.For<ISshCommandRunner>();
        ssh.RunAsync(Arg.Any<RemoteCommand>(), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>())
            .Returns(new SshCommandResult(SshOutcome.Completed, 0, "-- cursor: s=ab12;i=1f\n", "", null, TimeSpan.Zero));
        var target = new OpsBot.Ops.Configuration.GatewayOpsOptions { Name = "beta", Host = "gw-b", UnitName = "openclaw-beta.service" };
        var source = new GatewayJournalSource(ssh, new OpsBot.Ops.Security.SecretRedactor([]), target);

        await source.ReadSinceAsync(null, CancellationToken.None);

        Assert.Equal("beta", source.Gateway);
        await ssh.Received(1).RunAsync(Arg.Is<RemoteCommand>(c => c.Text.Contains("openclaw-beta.service")), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Gateway_journal_source_starts_from_now_then_reads_lines_after_the_cursor_redacted()
    {
        var ssh = Substitute.For<ISshCommandRunner>();
        ssh.RunAsync(Arg.Is<RemoteCommand>(c => !c.Text.Contains("--after-cursor")), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>())
            .Returns(new SshCommandResult(SshOutcome.Completed, 0, "-- cursor: s=ab12;i=1f\n", "", null, TimeSpan.Zero));
        ssh.RunAsync(Arg.Is<RemoteCommand>(c => c.Text.Contains("--after-cursor='s=ab12;i=1f'")), Arg.Any<TimeSpan>(), Arg.Any<CancellationToken>())
            .Returns(new SshCommandResult(SshOutcome.Completed, 0, "Nov 25 gw[1]: No reply from agent.\nNov 25 gw[1]: Bearer sk-secret-123456\n-- cursor: s=ab12;i=20\n", "", null, TimeSpan.Zero));
        var options = Microsoft.Extensions.Options.Options.Create(new OpsBot.Ops.Configuration.GatewayOpsOptions { Host = "gw" });
        var source = new GatewayJournalSource(ssh, new OpsBot.Ops.Security.SecretRedactor([]), options);

        var first = await source.ReadSinceAsync(null, CancellationToken.None);
        var next = await source.ReadSinceAsync(first.Cursor, CancellationToken.None);

        Assert.Empty(first.Lines);
        Assert.Equal("s=ab12;i=1f", first.Cursor);
        Assert.Equal("s=ab12;i=20", next.Cursor);
        Assert.Equal(2, next.Lines.Count);
        Assert.Contains("No reply from agent", next.Lines[0]);
        Assert.DoesNotContain("sk-secret-123456", next.Lines[1]);
    }

    [Fact]
    public async Task Journal_cursor_that_is_not_a_journald_cursor_is_refused_before_any_command_runs()
    {
        var ssh = Substitute.For<ISshCommandRunner>();
        var options = Microsoft.Extensions.Options.Options.Create(new OpsBot.Ops.Configuration.GatewayOpsOptions { Host = "gw" });
        var source = new GatewayJournalSource(ssh, new OpsBot.Ops.Security.SecretRedactor([]), options);

        await Assert.ThrowsAsync<ArgumentException>(() => source.ReadSinceAsync("x'; rm -rf ~; '", CancellationToken.None));
        await ssh.DidNotReceiveWithAnyArgs().RunAsync(default!, default, default);
    }
}
