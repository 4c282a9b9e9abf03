using OpsBot.History;

namespace OpsBot.Tests.History;

public sealed class HistoryPathsTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Systemd_state_directory_is_used_when_nothing_is_configured() =>
        Assert.Equal("/home/u/.local/state/opsbot/opsbot.db",
            HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/home/u"), ("STATE_DIRECTORY", "/home/u/.local/state/opsbot"))));

    [Fact]
    public void First_of_several_state_directories_is_ours() =>
        Assert.Equal("/a/opsbot.db", HistoryPaths.ResolveDatabasePath("", Env(("HOME", "/h"), ("STATE_DIRECTORY", "/a:/b"))));

    [Fact]
    public void Without_systemd_the_xdg_state_home_then_dot_local_state_is_used()
    {
        Assert.Equal("/x/state/opsbot/opsbot.db", HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/h"), ("XDG_STATE_HOME", "/x/state"))));
        Assert.Equal("/h/.local/state/opsbot/opsbot.db", HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/h"))));
    }

    [Fact]
    public void Configured_path_wins_and_expands_the_home_directory()
    {
        Assert.Equal("/h/data/ops.db", HistoryPaths.ResolveDatabasePath("~/data/ops.db", Env(("HOME", "/h"), ("STATE_DIRECTORY", "/s"))));
        Assert.Equal("/srv/ops.db", HistoryPaths.ResolveDatabasePath("/srv/ops.db", Env(("HOME", "/h"))));
    }
}
