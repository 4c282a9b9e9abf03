namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>What a finished (or killed) child process left behind.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed, bool TimedOut);
