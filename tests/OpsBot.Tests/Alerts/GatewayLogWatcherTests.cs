using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OpsBot.Alerts;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Alerts;

public sealed class GatewayLogWatcherTests
{
    private static (GatewayLogWatcher Watcher, IGatewayLogSource Source, AlertTestKit Kit, ListLogger<GatewayLogWatcher> Log) Create()
    {
        var kit = new AlertTestKit();
        var source = Substitute.For<IGatewayLogSource>();
        var log = new ListLogger<GatewayLogWatcher>();
        var watcher = new GatewayLogWatcher([source], kit.NoReply(), Microsoft.Extensions.Options.Options.Create(kit.Options), kit.Time, log);
        return (watcher, source, kit, log);
    }

    [Fact]
    public async Task Lines_from_before_the_watch_began_are_not_alerted()
    {
        var (watcher, source, kit, _) = Create();
        source.ReadSinceAsync(null, Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch(["12:00 [agent] No reply from agent"], "c1"));

        Assert.Equal(0, await watcher.PollAsync(CancellationToken.None));
        Assert.Empty(kit.Publisher.All);
    }

    [Fact]
    public async Task A_no_reply_line_raises_one_alert_and_other_lines_are_ignored()
    {
        var (watcher, source, kit, _) = Create();
        source.ReadSinceAsync(null, Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch([], "c1"));
        source.ReadSinceAsync("c1", Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch(
            ["12:01 [agent] run started", "12:02 [agent/main] No reply from agent (session abc)", "12:02 [ws] client connected"], "c2"));
        source.ReadSinceAsync("c2", Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch([], "c3"));

        await watcher.PollAsync(CancellationToken.None);
        Assert.Equal(1, await watcher.PollAsync(CancellationToken.None));
        Assert.Equal(0, await watcher.PollAsync(CancellationToken.None));

        var raised = Assert.Single(kit.Publisher.Posted);
        Assert.Equal(AlertKind.Raised, raised.Kind);
        Assert.Contains("No reply from agent (session abc)", raised.Text);
        await source.Received(1).ReadSinceAsync("c2", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_unreadable_log_is_reported_once_and_reading_resumes_from_the_same_cursor()
    {
        var (watcher, source, _, log) = Create();
        source.ReadSinceAsync(null, Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch([], "c1"));
        source.ReadSinceAsync("c1", Arg.Any<CancellationToken>()).Returns(
            _ => throw new IOException("ssh: connect to host gateway port 22: Connection refused"),
            _ => throw new IOException("ssh: connect to host gateway port 22: Connection refused"),
            _ => new GatewayLogBatch([], "c2"));

        await watcher.PollAsync(CancellationToken.None);
        await watcher.PollAsync(CancellationToken.None);
        await watcher.PollAsync(CancellationToken.None);
        await watcher.PollAsync(CancellationToken.None);

        Assert.Single(log.Entries, e => e.Message.Contains("Cannot read the gateway log"));
        Assert.Single(log.Entries, e => e.Message.Contains("readable again"));
        await source.Received(3).ReadSinceAsync("c1", Arg.Any<CancellationToken>());
    }
}
