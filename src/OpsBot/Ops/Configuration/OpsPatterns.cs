using System.Text.RegularExpressions;

namespace OpsBot.Ops.Configuration;

/// <summary>
/// Strict shapes for every value that ends up in a remote shell command or a Docker API path,
/// so validation at start is what keeps user-controlled text away from a shell.
/// </summary>
public static partial class OpsPatterns
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9@._-]{0,200}\.service$")]
    public static partial Regex UnitName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    public static partial Regex ContainerName();

    /// <summary>A gateway's or vLLM's name in <c>Ops:Gateways</c>/<c>Ops:Vllm</c>: typed as a Discord option and a CLI argument.</summary>
    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,31}$")]
    public static partial Regex TargetName();

    [GeneratedRegex(@"^[a-z_][a-z0-9_.-]{0,31}$")]
    public static partial Regex UserName();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:.]+\]?$")]
    public static partial Regex HostName();

    /// <summary>journald cursors: <c>s=…;i=…;b=…;m=…;t=…;x=…</c>, hex and separators only.</summary>
    [GeneratedRegex(@"^[a-z]=[0-9a-f]{1,64}(;[a-z]=[0-9a-f]{1,64}){0,8}$")]
    public static partial Regex JournalCursor();

    [GeneratedRegex(@"^SHA256:[A-Za-z0-9+/]{43}$")]
    public static partial Regex Sha256Fingerprint();

    [GeneratedRegex(@"^[A-Z_][A-Z0-9_]{0,63}$")]
    public static partial Regex EnvironmentName();

    [GeneratedRegex(@"^/?[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*$")]
    public static partial Regex CommandPath();

    [GeneratedRegex(@"^/[A-Za-z0-9_.+-]+(/[A-Za-z0-9_.+-]+)*/?$")]
    public static partial Regex AbsoluteDirectory();
}
