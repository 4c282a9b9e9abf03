namespace OpsBot.Ops.Ssh;

/// <summary>Runs one command on the gateway host. Always returns within the timeout plus a small grace.</summary>
public interface ISshCommandRunner
{
    Task<SshCommandResult> RunAsync(RemoteCommand command, TimeSpan timeout, CancellationToken cancellationToken);
}
