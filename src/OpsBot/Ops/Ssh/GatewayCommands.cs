using System.Globalization;
using System.Text;
using OpsBot.Ops.Configuration;

namespace OpsBot.Ops.Ssh;

/// <summary>
/// The complete set of commands OpsBot runs on the gateway host. Every variable part is either a
/// start-validated option, an integer, or a constant, and is single-quoted; nothing a Discord user
/// typed is ever part of a command.
/// </summary>
public sealed class GatewayCommands
{
    public const string TwoPlusTwoPrompt = "What is 2+2?";
    public const string ListTmpPrompt = "List the files in /tmp";
    public const string ShowProperties = "ActiveState,SubState,ActiveEnterTimestamp,NRestarts,MainPID";
    public const string DiscordLoginPattern = "logged in to discord|discord client initialized";
    public const int MaxLines = 2000;

    private readonly string _unit;
    private readonly string _logDirectory;
    private readonly string _openClaw;
    private readonly IReadOnlyDictionary<string, string> _environment;

    public GatewayCommands(GatewayOpsOptions options)
    {
        // Re-checked here so a command can never be built from an unvalidated value,
        // even if someone bypasses ValidateOnStart.
        _unit = Require(options.UnitName, OpsPatterns.UnitName().IsMatch(options.UnitName ?? ""), "unit name");
        _logDirectory = Require(options.LogDirectory.TrimEnd('/'), OpsPatterns.AbsoluteDirectory().IsMatch(options.LogDirectory ?? ""), "log directory");
        _openClaw = Require(options.OpenClawCommand, OpsPatterns.CommandPath().IsMatch(options.OpenClawCommand ?? ""), "openclaw command");
        foreach (var key in options.OpenClawEnvironment.Keys)
        {
            Require(key, OpsPatterns.EnvironmentName().IsMatch(key), "environment variable name");
        }

        _environment = new Dictionary<string, string>(options.OpenClawEnvironment, StringComparer.Ordinal);
    }

    public RemoteCommand IsActive() => Plain($"systemctl --user is-active {Q(_unit)}");

    public RemoteCommand Show() => Plain($"systemctl --user show {Q(_unit)} --property={ShowProperties}");

    public const string BundleSeparator = "--8<-- opsbot --8<--";

    /// <summary>
    /// is-active, show and the last Discord login line in one SSH session, separated by a marker
    /// line, so a monitor tick costs one connection instead of three.
    /// </summary>
    public RemoteCommand StatusBundle() => Plain(
        $"systemctl --user is-active {Q(_unit)}; echo {Q(BundleSeparator)}; "
        + $"systemctl --user show {Q(_unit)} --property={ShowProperties}; echo {Q(BundleSeparator)}; "
        + $"journalctl --user -u {Q(_unit)} -n 5000 --no-pager | grep -i -E {Q(DiscordLoginPattern)} | tail -n 1");

    /// <summary>Splits <see cref="StatusBundle"/> output into its three sections (missing ones are empty).</summary>
    public static (string IsActive, string Show, string DiscordLogin) SplitStatusBundle(string output)
    {
        var parts = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split(BundleSeparator + "\n");
        string Part(int i) => i < parts.Length ? parts[i].Trim() : "";
        return (Part(0), Part(1), Part(2));
    }

    public RemoteCommand Restart() => Plain($"systemctl --user restart {Q(_unit)}");

    public RemoteCommand Journal(int lines) =>
        Plain($"journalctl --user -u {Q(_unit)} -n {Clamp(lines)} --no-pager");

    public RemoteCommand LastDiscordLogin() =>
        Plain($"journalctl --user -u {Q(_unit)} -n 5000 --no-pager | grep -i -E {Q(DiscordLoginPattern)} | tail -n 1");

    /// <summary>
    /// Journal lines after <paramref name="cursor"/> and the new cursor (<c>--show-cursor</c> prints it last).
    /// Without a cursor only the cursor is printed, so a fresh start does not replay old lines.
    /// </summary>
    public RemoteCommand JournalAfter(string? cursor)
    {
        if (cursor is null)
        {
            return Plain($"journalctl --user -u {Q(_unit)} -n 0 --show-cursor --no-pager");
        }

        Require(cursor, OpsPatterns.JournalCursor().IsMatch(cursor), "journal cursor");
        return Plain($"journalctl --user -u {Q(_unit)} --after-cursor={Q(cursor)} -n {MaxLines} --show-cursor --no-pager");
    }

    /// <summary>The detailed log of the gateway host's current day; the date is taken on that host so time zones agree.</summary>
    public RemoteCommand DetailedLog(int lines) =>
        Plain($"tail -n {Clamp(lines)} -- {Q(_logDirectory)}/openclaw-\"$(date +%F)\".log");

    public RemoteCommand ListTmp() => Plain("ls -1A /tmp");

    /// <summary>
    /// <c>openclaw agent --local</c> with one of the fixed prompts, wrapped in <c>timeout</c> so a hung
    /// agent dies on the gateway host too, not only our end of the channel.
    /// </summary>
    public RemoteCommand Agent(SmokeTestKind kind, TimeSpan timeout)
    {
        var prompt = kind switch
        {
            SmokeTestKind.TwoPlusTwo => TwoPlusTwoPrompt,
            SmokeTestKind.ListTmp => ListTmpPrompt,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an openclaw smoke test"),
        };
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder($"timeout -k 5 {seconds} env");
        var display = new StringBuilder(text.ToString());
        foreach (var (name, value) in _environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(' ').Append(name).Append('=').Append(Q(value));
            display.Append(' ').Append(name).Append("=***");
        }

        var tail = $" {Q(_openClaw)} agent --local --agent main -m {Q(prompt)} --json < /dev/null";
        return new RemoteCommand(text.Append(tail).ToString(), display.Append(tail).ToString());
    }

    private static RemoteCommand Plain(string text) => new(text, text);

    private static string Q(string value) => ShellQuote.Quote(value);

    private static string Clamp(int lines) => Math.Clamp(lines, 1, MaxLines).ToString(CultureInfo.InvariantCulture);

    private static string Require(string? value, bool valid, string what) =>
        valid && value is not null ? value : throw new ArgumentException($"Refusing to build a gateway command from an invalid {what} '{value}'.");
}
