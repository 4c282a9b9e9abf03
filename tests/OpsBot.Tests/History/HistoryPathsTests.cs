using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using OpsBot.History;

namespace OpsBot.Tests.History;

public sealed class HistoryPathsTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Systemd_state_directory_is_ignored_so_the_service_and_the_cli_open_the_same_file()
    {
        // Under systemd < 254 a user unit's StateDirectory= is ~/.config/opsbot: the CLI, started from a shell,
        // would never see it. Only History:DatabasePath (the unit sets it) and the XDG defaults count.
        var service = HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/home/u"), ("STATE_DIRECTORY", "/home/u/.config/opsbot")));
        var cli = HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/home/u")));

        Assert.Equal("/home/u/.local/state/opsbot/opsbot.db", service);
        Assert.Equal(cli, service);
    }

    [Fact]
    public void Without_a_setting_the_xdg_state_home_then_dot_local_state_is_used()
    {
        Assert.Equal("/x/state/opsbot/opsbot.db", HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/h"), ("XDG_STATE_HOME", "/x/state"))));
        Assert.Equal("/h/.local/state/opsbot/opsbot.db", HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/h"))));
        Assert.Equal("/h/.local/state/opsbot/opsbot.db", HistoryPaths.ResolveDatabasePath("  ", Env(("HOME", "/h"), ("XDG_STATE_HOME", "relative"))));
    }

    [Fact]
    public void Configured_path_wins_and_expands_the_home_directory()
    {
        Assert.Equal("/h/data/ops.db", HistoryPaths.ResolveDatabasePath("~/data/ops.db", Env(("HOME", "/h"), ("XDG_STATE_HOME", "/s")), "/dev-state"));
        Assert.Equal("/srv/ops.db", HistoryPaths.ResolveDatabasePath("/srv/ops.db", Env(("HOME", "/h"))));
    }

    [Fact]
    public void A_development_run_keeps_its_history_beside_its_build_never_in_the_production_file()
    {
        var development = HistoryPaths.DevelopmentDirectory(Environment(Environments.Development, "/repo/src/OpsBot/bin/Debug/net10.0"));

        Assert.Equal("/repo/src/OpsBot/bin/Debug/net10.0/dev-state", development);
        Assert.Equal("/repo/src/OpsBot/bin/Debug/net10.0/dev-state/opsbot.db",
            HistoryPaths.ResolveDatabasePath(null, Env(("HOME", "/h"), ("XDG_STATE_HOME", "/x")), development));
        Assert.Null(HistoryPaths.DevelopmentDirectory(Environment(Environments.Production, "/opt/opsbot")));
        Assert.Null(HistoryPaths.DevelopmentDirectory(null));
    }

    internal static IHostEnvironment Environment(string name, string contentRoot) => new TestEnvironment
    {
        EnvironmentName = name,
        ContentRootPath = contentRoot,
        ApplicationName = "OpsBot",
        ContentRootFileProvider = new NullFileProvider(),
    };

    private sealed class TestEnvironment : IHostEnvironment
    {
        public required string EnvironmentName { get; set; }

        public required string ApplicationName { get; set; }

        public required string ContentRootPath { get; set; }

        public required IFileProvider ContentRootFileProvider { get; set; }
    }
}
