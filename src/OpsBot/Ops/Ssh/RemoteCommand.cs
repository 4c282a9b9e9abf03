namespace OpsBot.Ops.Ssh;

/// <summary>
/// A command line for the gateway host built from a fixed template. <see cref="Display"/> is safe to
/// log; <see cref="Text"/> may carry secrets in environment assignments and is only sent over SSH.
/// </summary>
public sealed record RemoteCommand(string Text, string Display)
{
    public override string ToString() => Display;
}
