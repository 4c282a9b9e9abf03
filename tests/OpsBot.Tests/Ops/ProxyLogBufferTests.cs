using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Logs;

namespace OpsBot.Tests.Ops;

public sealed class ProxyLogBufferTests
{
    private readonly ManualTimeProvider _time = new();

    private ProxyLogBuffer Buffer(int capacity = 10) => new(Options.Create(new ProxyOpsOptions { LogBufferCapacity = capacity }), _time);

    [Fact]
    public void Captures_only_proxycore_categories()
    {
        var buffer = Buffer();
        using var factory = LoggerFactory.Create(b => b.AddProvider(buffer));

        factory.CreateLogger("OpsBot.ProxyCore.Proxy.ChatForwarder").LogInformation("forwarded {Count} chunks", 7);
        factory.CreateLogger("OpsBot.ProxyCoreish").LogInformation("not ours");
        factory.CreateLogger("OpsBot.Discord.Gateway").LogWarning("not ours either");
        factory.CreateLogger("OpsBot.ProxyCore").LogDebug("below information");

        Assert.Equal(["2026-11-25 10:00:00.000 info Proxy.ChatForwarder: forwarded 7 chunks"], buffer.Tail(10));
    }

    [Fact]
    public void Keeps_only_the_newest_lines_up_to_capacity()
    {
        var buffer = Buffer(capacity: 10);
        var logger = buffer.CreateLogger("OpsBot.ProxyCore.X");

        for (var i = 1; i <= 25; i++)
        {
            logger.LogWarning("line {I}", i);
        }

        var tail = buffer.Tail(100);
        Assert.Equal(10, tail.Count);
        Assert.EndsWith("warn X: line 16", tail[0]);
        Assert.EndsWith("warn X: line 25", tail[^1]);
        Assert.Equal(3, buffer.Tail(3).Count);
    }

    [Fact]
    public void Exceptions_add_a_line_with_their_type_and_message()
    {
        var buffer = Buffer();

        buffer.CreateLogger("OpsBot.ProxyCore.X").LogError(new InvalidOperationException("upstream closed"), "stream failed");

        Assert.Equal(["2026-11-25 10:00:00.000 fail X: stream failed", "  InvalidOperationException: upstream closed"], buffer.Tail(5));
    }

    [Fact]
    public void Capacity_counts_lines_so_the_oldest_entry_may_keep_only_its_exception_line()
    {
        var buffer = Buffer(capacity: 3);
        var logger = buffer.CreateLogger("OpsBot.ProxyCore.X");

        logger.LogError(new InvalidOperationException("upstream closed"), "stream failed");
        logger.LogWarning("line {I}", 2);
        logger.LogWarning("line {I}", 3);

        Assert.Equal(["  InvalidOperationException: upstream closed", "2026-11-25 10:00:00.000 warn X: line 2", "2026-11-25 10:00:00.000 warn X: line 3"], buffer.Tail(10));
        Assert.Equal(["2026-11-25 10:00:00.000 warn X: line 3"], buffer.Tail(1));
    }

    [Fact]
    public void Entries_keep_the_time_they_were_logged_at_though_they_are_formatted_when_read()
    {
        var buffer = Buffer();
        var logger = buffer.CreateLogger("OpsBot.ProxyCore.X");

        logger.LogInformation("first {Value}", 1);
        _time.Advance(TimeSpan.FromSeconds(61));
        logger.LogInformation("quoted upstream text:\nsecond line");

        Assert.Equal(["2026-11-25 10:00:00.000 info X: first 1", "2026-11-25 10:01:01.000 info X: quoted upstream text:", "second line"], buffer.Tail(10));
    }

    [Fact]
    public async Task Proxy_log_tail_is_redacted_on_the_way_out()
    {
        await using var ops = new OpsTestServices(time: _time);
        var buffer = ops.Get<ProxyLogBuffer>();
        buffer.CreateLogger("OpsBot.ProxyCore.Proxy").LogInformation("upstream request Authorization: Bearer sk-abcdefgh12345678");

        var tail = await ops.Get<ILogTailService>().TailAsync(StackService.Proxy, 5, CancellationToken.None);

        Assert.Equal("2026-11-25 10:00:00.000 info Proxy: upstream request Authorization: Bearer [REDACTED]", Assert.Single(tail.Lines));
        Assert.Contains(buffer, ops.Get<IEnumerable<ILoggerProvider>>());
    }
}
