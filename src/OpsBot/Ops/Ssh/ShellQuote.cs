namespace OpsBot.Ops.Ssh;

/// <summary>POSIX single-quoting: the only form in which a shell expands nothing inside the word.</summary>
public static class ShellQuote
{
    public static string Quote(string value) => "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";
}
