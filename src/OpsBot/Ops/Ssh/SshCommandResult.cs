namespace OpsBot.Ops.Ssh;

/// <summary>What happened to one remote command. Never thrown: callers turn it into a status line.</summary>
public sealed record SshCommandResult(
    SshOutcome Outcome,
    int? ExitStatus,
    string StandardOutput,
    string StandardError,
    string? Error,
    TimeSpan Elapsed)
{
    public bool Succeeded => Outcome == SshOutcome.Completed && ExitStatus == 0;

    /// <summary>A one-line description for status and restart messages (not redacted: callers redact).</summary>
    public string Describe() => Outcome switch
    {
        SshOutcome.Completed when ExitStatus == 0 => "ok",
        SshOutcome.Completed => $"exit {ExitStatus?.ToString() ?? "?"}" + (string.IsNullOrWhiteSpace(StandardError) ? "" : $": {FirstLine(StandardError)}"),
        _ => Error ?? Outcome.ToString(),
    };

    public static SshCommandResult Fail(SshOutcome outcome, string error, TimeSpan elapsed) => new(outcome, null, "", "", error, elapsed);

    private static string FirstLine(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
