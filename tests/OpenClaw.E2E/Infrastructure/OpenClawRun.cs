namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>One <c>openclaw agent</c> invocation as a user would have seen it (ANSI colours removed).</summary>
public sealed record OpenClawRun(string Command, int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut)
{
    /// <summary>
    /// What the user reads as the answer: stdout without OpenClaw's own bracketed log lines
    /// (2026.9.x writes e.g. "[agents/...] ..." to stdout as well).
    /// </summary>
    public string Reply => string.Join('\n', Stdout
        .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Where(line => !line.StartsWith('[')));

    /// <summary>The <c>--json</c> document; throws with the whole output when there is none.</summary>
    public OpenClawJsonReply Json() => OpenClawJsonReply.Parse(Stdout);

    public override string ToString() =>
        $"$ {Command}{Environment.NewLine}exit={ExitCode}{(TimedOut ? " (TIMED OUT)" : string.Empty)} " +
        $"time={Elapsed.TotalSeconds:F1}s{Environment.NewLine}--- stdout:{Environment.NewLine}{Stdout}" +
        $"{Environment.NewLine}--- stderr:{Environment.NewLine}{Stderr}";
}
