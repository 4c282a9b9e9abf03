using OpsBot.History;

namespace OpsBot.Admin;

/// <summary>
/// Where the admin socket lives, resolved the same way by the service (which listens) and the CLI (which asks),
/// and the private directory around it.
/// </summary>
public static class AdminSocketPath
{
    public const string FileName = "admin.sock";

    /// <summary>sockaddr_un.sun_path holds 108 bytes including the terminating NUL.</summary>
    public const int MaxLength = 107;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// <c>Admin:SocketPath</c> when set (<c>~</c> expanded); else <c>dev-state/admin.sock</c> in a development run;
    /// else <c>$XDG_RUNTIME_DIR/opsbot/admin.sock</c>; else <c>/tmp/opsbot-&lt;uid&gt;/admin.sock</c>.
    /// </summary>
    public static string Resolve(string? configured, Func<string, string?> environment, string? developmentDirectory = null, uint? userId = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(HistoryPaths.ExpandHome(configured.Trim(), HistoryPaths.Home(environment)));
        }

        if (developmentDirectory is not null)
        {
            return Path.Combine(developmentDirectory, FileName);
        }

        if (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathRooted(runtime))
        {
            return Path.Combine(runtime, "opsbot", FileName);
        }

        return Path.Combine(Path.GetTempPath(), $"opsbot-{userId ?? CurrentUserId()}", FileName);
    }

    public static string Resolve(AdminOptions options, IHostEnvironment? environment) =>
        Resolve(options.SocketPath, Environment.GetEnvironmentVariable, HistoryPaths.DevelopmentDirectory(environment));

    /// <summary>
    /// Makes the socket's directory exist with mode 0700 and checks that nobody else can get in: it must belong
    /// to this user and have no group or other permission bits (in a shared /tmp, another user could have
    /// created it first to read or spoof the socket). Answers the problem, or null when the directory is fine.
    /// </summary>
    public static string? EnsurePrivateDirectory(string socketPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var directory = Path.GetDirectoryName(socketPath);
        if (string.IsNullOrEmpty(directory))
        {
            return $"{socketPath} has no directory";
        }

        try
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, OwnerOnly);
            }

            var owner = UnixFileOwner.Of(directory);
            if (owner != CurrentUserId())
            {
                return $"{directory} belongs to uid {owner}, not to this user (uid {CurrentUserId()})";
            }

            var mode = File.GetUnixFileMode(directory);
            if ((mode & ~OwnerOnly) != 0)
            {
                return $"{directory} has mode {Octal(mode)}; it must be 0700 (chmod 700 {directory})";
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"cannot create {directory}: {ex.Message}";
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8);

    private static uint CurrentUserId() => OperatingSystem.IsWindows() ? 0 : UnixFileOwner.CurrentUserId();
}
