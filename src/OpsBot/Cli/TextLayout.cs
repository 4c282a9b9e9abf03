using System.Text;

namespace OpsBot.Cli;

/// <summary>
/// Fits text to a terminal width: long lines break at spaces, continuing under their first word's column
/// (two more than the line's indent), never in the middle of a word unless one word alone is wider than the line.
/// ANSI colour sequences take no columns.
/// </summary>
public static class TextLayout
{
    public const int DefaultWidth = 80;

    private const int MinimumRoom = 20;

    public static string Fit(string text, int width)
    {
        var result = new StringBuilder(text.Length + 16);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (i == lines.Length - 1 && line.Length == 0)
            {
                break;
            }

            FitLine(line, width, result);
        }

        return result.ToString();
    }

    /// <summary>Columns <paramref name="text"/> takes on a terminal (ANSI escape sequences take none).</summary>
    public static int VisibleLength(string text)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\e')
            {
                i = EndOfEscape(text, i);
                continue;
            }

            length++;
        }

        return length;
    }

    /// <summary>Pads <paramref name="text"/> with spaces to <paramref name="columns"/> visible columns.</summary>
    public static string PadRight(string text, int columns) => text + new string(' ', Math.Max(0, columns - VisibleLength(text)));

    private static void FitLine(string line, int width, StringBuilder result)
    {
        if (VisibleLength(line) <= width)
        {
            result.Append(line).Append('\n');
            return;
        }

        var indent = line.Length - line.TrimStart(' ').Length;
        var continuation = new string(' ', Math.Min(indent + 2, Math.Max(0, width - MinimumRoom)));
        var current = new StringBuilder(line[..indent]);
        var currentLength = indent;
        var startOfLine = true;
        foreach (var word in line[indent..].Split(' '))
        {
            var wordLength = VisibleLength(word);
            if (!startOfLine && currentLength + 1 + wordLength > width)
            {
                result.Append(current).Append('\n');
                current.Clear().Append(continuation);
                currentLength = continuation.Length;
                startOfLine = true;
            }

            if (!startOfLine)
            {
                current.Append(' ');
                currentLength++;
            }

            // Only a word wider than a whole line (a URL, a token) is cut; a coloured word is always short.
            var rest = word;
            while (width > currentLength && rest.Length > width - currentLength && !rest.Contains('\e'))
            {
                var take = width - currentLength;
                result.Append(current).Append(rest.AsSpan(0, take)).Append('\n');
                rest = rest[take..];
                current.Clear().Append(continuation);
                currentLength = continuation.Length;
            }

            current.Append(rest);
            currentLength += VisibleLength(rest);
            startOfLine = false;
        }

        result.Append(current).Append('\n');
    }

    private static int EndOfEscape(string text, int start)
    {
        var i = start + 1;
        if (i < text.Length && text[i] == '[')
        {
            i++;
            while (i < text.Length && text[i] is < '@' or > '~')
            {
                i++;
            }
        }

        return i;
    }
}
