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

    private static IGatewayLogSource Gateway(string name)
    {
        var source = Substitute.For<IGatewayLogSource>();
        source.Gateway.Returns(name);
        return source;
    }

    [Fact]
    public async Task Each_gateway_is_read_from_its_own_cursor_and_its_alert_names_it()
    {
        var kit = new AlertTestKit();
        var (alpha, beta) = (Gateway("alpha"), Gateway("beta"));
        alpha.ReadSinceAsync(null, Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch([], "a1"));
        alpha.ReadSinceAsync("a1", Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch(["12:01 [agent] run started"], "a2"));
        beta.ReadSinceAsync(null, Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch([], "b1"));
        beta.ReadSinceAsync("b1", Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch(["12:02 [agent/main] No reply from agent (session b)"], "b2"));
        var watcher = new GatewayLogWatcher([alpha, beta], kit.NoReply(), Microsoft.Extensions.Options.Options.Create(kit.Options), kit.Time, new ListLogger<GatewayLogWatcher>());

        Assert.Equal(0, await watcher.PollAsync(CancellationToken.None));
        Assert.Equal(1, await watcher.PollAsync(CancellationToken.None));

        await alpha.Received(1).ReadSinceAsync("a1", Arg.Any<CancellationToken>());
        await beta.Received(1).ReadSinceAsync("b1", Arg.Any<CancellationToken>());
        await alpha.DidNotReceive().ReadSinceAsync("b1", Arg.Any<CancellationToken>());
        var raised = Assert.Single(kit.Publisher.Posted);
        Assert.Contains("gateway `beta` log", raised.Text);
        Assert.Contains("No reply from agent (session b)", raised.Text);
    }

    [Fact]
    public async Task A_gateway_whose_log_cannot_be_read_does_not_stop_the_others_and_is_named_in_the_log()
    {
        var kit = new AlertTestKit();
        var (alpha, beta) = (Gateway("alpha"), Gateway("beta"));
        alpha.ReadSinceAsync(Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns<GatewayLogBatch>(_ => throw new IOException("Connection refused"));
        beta.ReadSinceAsync(null, Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch([], "b1"));
        beta.ReadSinceAsync("b1", Arg.Any<CancellationToken>()).Returns(new GatewayLogBatch(["No reply from agent"], "b2"));
        var log = new ListLogger<GatewayLogWatcher>();
        var watcher = new GatewayLogWatcher([alpha, beta], kit.NoReply(), Microsoft.Extensions.Options.Options.Create(kit.Options), kit.Time, log);

        await watcher.PollAsync(CancellationToken.None);
        await watcher.PollAsync(CancellationToken.None);

        Assert.Single(kit.Publisher.Posted, a => a.Kind == AlertKind.Raised);
        var failed = Assert.Single(log.Entries, e => e.Message.Contains("Cannot read the gateway log"));
        Assert.Contains("gateway alpha: Connection refused", failed.Message);
    }
}
