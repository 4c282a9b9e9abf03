using OpsBot.Ops.Probes;

namespace OpsBot.Tests.Ops;

public sealed class SystemctlShowParserTests
{
    [Fact]
    public void Parses_the_requested_properties_in_any_order()
    {
        var state = SystemctlShowParser.Parse("""
            NRestarts=3
            MainPID=91234
            ActiveState=active
            SubState=running
            ActiveEnterTimestamp=Wed 2026-11-25 10:00:00 UTC

            """);

        Assert.Equal(
            new SystemdUnitState("active", "running", new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), "Wed 2026-11-25 10:00:00 UTC", 3, 91234),
            state);
    }

    [Fact]
    public void A_unit_that_never_started_has_no_timestamp_and_pid_zero()
    {
        var state = SystemctlShowParser.Parse("ActiveState=inactive\nSubState=dead\nActiveEnterTimestamp=\nNRestarts=0\nMainPID=0\n");

        Assert.NotNull(state);
        Assert.Equal(("inactive", "dead", null, null, 0, 0), (state.ActiveState, state.SubState, state.ActiveEnterTimestamp, state.ActiveEnterTimestampText, state.RestartCount, state.MainPid));
    }

    [Theory]
    [InlineData("Wed 2026-11-25 11:00:00 CET", null)]
    [InlineData("Wed 2026-11-25 11:00:00 +0100", "2026-11-25T10:00:00Z")]
    [InlineData("n/a", null)]
    [InlineData("garbage", null)]
    public void Timestamps_convert_only_with_an_unambiguous_zone(string text, string? expectedUtc)
    {
        var parsed = SystemctlShowParser.ParseTimestamp(text);

        Assert.Equal(expectedUtc is null ? null : DateTimeOffset.Parse(expectedUtc), parsed);
    }

    [Fact]
    public void Output_without_active_state_is_not_a_unit()
    {
        Assert.Null(SystemctlShowParser.Parse("Failed to connect to bus: No medium found\n"));
    }
}
