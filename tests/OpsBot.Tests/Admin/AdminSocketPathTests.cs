using System.Diagnostics;
using OpsBot.Admin;
using OpsBot.Tests.History;

namespace OpsBot.Tests.Admin;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AdminSocketPathTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void The_socket_lives_in_the_user_runtime_directory_else_in_a_per_user_tmp_directory()
    {
        Assert.Equal("/run/user/1000/opsbot/admin.sock", AdminSocketPath.Resolve(null, Env(("XDG_RUNTIME_DIR", "/run/user/1000"))));
        Assert.Equal(Path.Combine(Path.GetTempPath(), "opsbot-1000", "admin.sock"), AdminSocketPath.Resolve(null, Env(), userId: 1000));
        Assert.Equal("/h/ops.sock", AdminSocketPath.Resolve("~/ops.sock", Env(("HOME", "/h"), ("XDG_RUNTIME_DIR", "/run/user/1000"))));
        Assert.Equal("/repo/bin/dev-state/admin.sock", AdminSocketPath.Resolve(null, Env(("XDG_RUNTIME_DIR", "/run/user/1000")), "/repo/bin/dev-state"));
    }

    [Fact]
    public void The_directory_is_created_readable_by_its_owner_only()
    {
        var socket = Path.Combine(_dir.Path, "run", "opsbot", "admin.sock");

        Assert.Null(AdminSocketPath.EnsurePrivateDirectory(socket));

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(Path.GetDirectoryName(socket)!));
    }

    [Fact]
    public void A_directory_others_can_enter_is_refused()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir.Path, "open")).FullName;
        File.SetUnixFileMode(directory, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        var problem = AdminSocketPath.EnsurePrivateDirectory(Path.Combine(directory, "admin.sock"));

        Assert.Equal($"{directory} has mode 0755; it must be 0700 (chmod 700 {directory})", problem);
    }

    [Fact]
    public void A_directory_owned_by_someone_else_is_refused()
    {
        // As root (CI) a directory is handed to "nobody"; as anyone else, /usr already belongs to root.
        string directory;
        if (Environment.UserName == "root")
        {
            directory = Directory.CreateDirectory(Path.Combine(_dir.Path, "theirs")).FullName;
            File.SetUnixFileMode(directory, OwnerOnly);
            using var chown = Process.Start("chown", ["65534", directory]);
            chown.WaitForExit();
            Assert.Equal(0, chown.ExitCode);
        }
        else
        {
            directory = "/usr";
        }

        var problem = AdminSocketPath.EnsurePrivateDirectory(Path.Combine(directory, "admin.sock"));

        Assert.NotNull(problem);
        Assert.Contains($"{directory} belongs to uid", problem);
        Assert.Contains("not to this user", problem);
    }
}
