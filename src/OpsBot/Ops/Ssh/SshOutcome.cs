namespace OpsBot.Ops.Ssh;

public enum SshOutcome
{
    /// <summary>The command ran to completion; see the exit status.</summary>
    Completed,
    NotConfigured,
    ConnectFailed,
    HostKeyRejected,
    AuthenticationFailed,
    TimedOut,
    Failed,
}
