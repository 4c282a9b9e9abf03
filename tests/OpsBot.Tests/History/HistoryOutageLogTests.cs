using Microsoft.Extensions.Logging;
using OpsBot.Components;
using OpsBot.History;

namespace OpsBot.Tests.History;

/// <summary>History that cannot be opened says so once, shows as degraded, and retries quietly.</summary>
public sealed class HistoryOutageLogTests
{
    [Fact]
    public async Task An_unwritable_path_is_one_error_a_degraded_component_and_quiet_retries()
    {
        var time = TestDatabase.Time();
        var logger = new ListLogger<HistoryDatabase>();
        var states = new ComponentStates();
        // Nothing can be created under /proc, not even by root.
        await using var database = new HistoryDatabase(TestDatabase.Options, "/proc/opsbot-test/opsbot.db", time, logger, states);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            Assert.False(await database.InitializeAsync(CancellationToken.None));
            time.Advance(TestDatabase.Options.RetryAfter);
        }

        Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(4, logger.Entries.Count(e => e.Level == LogLevel.Debug && e.Message.Contains("still cannot be used", StringComparison.Ordinal)));
        var history = states.Get(ComponentNames.History);
        Assert.Equal(ComponentState.Degraded, history.State);
        Assert.Contains("/proc/opsbot-test/opsbot.db", history.Reason);
    }
}
