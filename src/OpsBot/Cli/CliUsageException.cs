namespace OpsBot.Cli;

/// <summary>A mistake in the command line: answered with the usage text and exit code 64, never a stack trace.</summary>
public sealed class CliUsageException(string message) : Exception(message);
