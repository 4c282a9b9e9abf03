using System.Text.RegularExpressions;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>OpenClaw colours its output even when it is not a terminal; assertions want the plain text.</summary>
public static partial class AnsiText
{
    public static string Strip(string text) => EscapeSequence().Replace(text, string.Empty);

    // CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\))")]
    private static partial Regex EscapeSequence();
}
