namespace OpsBot.Cli;

/// <summary>
/// Where the CLI writes and what it knows about it: results to standard output (fitted to <see cref="Width"/>),
/// notes and usage errors to standard error, and on a terminal a live status line on standard error that is
/// wiped before anything else is written, so it never ends up in the middle of the output.
/// </summary>
public sealed class CliConsole
{
    private const string ClearLine = "\r\e[K";

    private readonly Lock _lock = new();
    private bool _liveShown;

    public CliConsole(TextWriter output, TextWriter error, bool outputIsTerminal = false, bool errorIsTerminal = false, TextStyle? style = null, int width = TextLayout.DefaultWidth)
    {
        Out = output;
        Error = error;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
        Style = style ?? TextStyle.Plain;
        Width = width;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool OutputIsTerminal { get; }

    /// <summary>Live status lines (heartbeats) are shown only here: a log file has no use for them.</summary>
    public bool ErrorIsTerminal { get; }

    public TextStyle Style { get; }

    public int Width { get; }

    /// <summary>The process's console: colour only on a terminal and without <c>NO_COLOR</c>; at most 80 columns.</summary>
    public static CliConsole FromSystem(Func<string, string?> environment)
    {
        var outputIsTerminal = !Console.IsOutputRedirected;
        var width = TextLayout.DefaultWidth;
        if (outputIsTerminal)
        {
            try
            {
                width = Math.Clamp(Console.WindowWidth, 40, TextLayout.DefaultWidth);
            }
            catch (IOException)
            {
            }
        }

        return new CliConsole(Console.Out, Console.Error, outputIsTerminal, !Console.IsErrorRedirected, TextStyle.For(outputIsTerminal, environment), width);
    }

    /// <summary>Writes a rendered result, each line fitted to the width.</summary>
    public void WriteResult(string text) => WriteOut(TextLayout.Fit(text, Width));

    /// <summary>Writes text as it is (log lines in a pipe stay whole for grep).</summary>
    public void WriteOut(string text)
    {
        lock (_lock)
        {
            ClearLiveCore();
            Out.Write(text);
            Out.Flush();
        }
    }

    /// <summary>One line to standard error, prefixed with the program's name as Unix tools do.</summary>
    public void Note(string message)
    {
        lock (_lock)
        {
            ClearLiveCore();
            Error.Write(TextLayout.Fit($"{OpsBotCommandLine.ProgramName}: {message}", Width));
            Error.Flush();
        }
    }

    /// <summary>Shows (or replaces) the live status line; nothing when standard error is not a terminal.</summary>
    public void ShowLive(string text)
    {
        if (!ErrorIsTerminal)
        {
            return;
        }

        var visible = text.Length < Width ? text : text[..(Width - 2)] + "…";
        lock (_lock)
        {
            Error.Write(ClearLine + Style.Dim(visible));
            Error.Flush();
            _liveShown = true;
        }
    }

    public void ClearLive()
    {
        lock (_lock)
        {
            ClearLiveCore();
        }
    }

    private void ClearLiveCore()
    {
        if (_liveShown)
        {
            Error.Write(ClearLine);
            Error.Flush();
            _liveShown = false;
        }
    }
}
