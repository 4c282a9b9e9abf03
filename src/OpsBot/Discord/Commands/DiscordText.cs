using System.Globalization;
using System.Text;

namespace OpsBot.Discord.Commands;

/// <summary>Formatting helpers for text that ends up in Discord messages.</summary>
public static class DiscordText
{
    private const string Fence = "```";

    /// <summary>
    /// Makes arbitrary text safe inside a code block: a run of three backticks would close the block early, so each one
    /// gets a zero-width space after its first backtick; \r and other control characters (except \n and \t) are dropped.
    /// </summary>
    public static string EscapeCodeBlock(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\t'))
            {
                continue;
            }

            builder.Append(c);
        }

        var result = builder.ToString();
        while (result.Contains(Fence, StringComparison.Ordinal))
        {
            result = result.Replace(Fence, "`\u200B``", StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>
    /// A code block holding the last lines of <paramref name="lines"/> that fit in <paramref name="maxLength"/> characters
    /// (fences included). Returns the block and how many lines it shows.
    /// </summary>
    public static (string Block, int Shown) TailCodeBlock(IReadOnlyList<string> lines, int maxLength, string language = "text")
    {
        var open = Fence + language + "\n";
        const string close = "\n" + Fence;
        var budget = maxLength - open.Length - close.Length;
        var kept = new List<string>();
        var used = 0;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = EscapeCodeBlock(lines[i]);
            var cost = line.Length + (kept.Count > 0 ? 1 : 0);
            if (used + cost > budget)
            {
                break;
            }

            kept.Add(line);
            used += cost;
        }

        kept.Reverse();
        return (open + string.Join('\n', kept) + close, kept.Count);
    }

    /// <summary>A code block with the start of <paramref name="text"/>, cut to fit <paramref name="maxLength"/> characters.</summary>
    public static string CodeBlock(string text, int maxLength, string language = "text")
    {
        var open = Fence + language + "\n";
        const string close = "\n" + Fence;
        var body = Rest.DiscordLimits.Truncate(EscapeCodeBlock(text), Math.Max(1, maxLength - open.Length - close.Length));
        return open + body + close;
    }

    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(60))
        {
            return duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        }

        if (duration < TimeSpan.FromHours(1))
        {
            return $"{(int)duration.TotalMinutes} min {duration.Seconds} s";
        }

        return $"{(int)duration.TotalHours} h {duration.Minutes} min";
    }
}
