using System.Text.RegularExpressions;

namespace OpsBot.Ops.SmokeTests;

/// <summary>Decides pass/fail for the OpenClaw smoke tests from the parsed reply.</summary>
public static partial class SmokeTestEvaluator
{
    public const string NoReplyMarker = "No reply from agent";

    /// <summary>Returns null on pass, otherwise the reason it failed.</summary>
    public static string? Evaluate(SmokeTestKind kind, OpenClawReply reply, string rawStdout, IReadOnlyCollection<string>? remoteTmpEntries = null)
    {
        if (rawStdout.Contains(NoReplyMarker, StringComparison.OrdinalIgnoreCase) || reply.Text.Contains(NoReplyMarker, StringComparison.OrdinalIgnoreCase))
        {
            return "OpenClaw said 'No reply from agent' (the model's answer was empty or unparseable)";
        }

        if (string.IsNullOrWhiteSpace(reply.Text))
        {
            return reply.FoundJson
                ? $"empty payloads (lastCallUsage.total={reply.TotalTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})"
                : "no output from openclaw";
        }

        return kind switch
        {
            SmokeTestKind.TwoPlusTwo => Four().IsMatch(reply.Text) ? null : "the answer does not contain 4",
            SmokeTestKind.ListTmp => MentionsListing(reply.Text, remoteTmpEntries) ? null : "the answer does not look like a listing of /tmp",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>
    /// With the real /tmp entries at hand, the answer must name some of them (at least two when
    /// there are two); without them, it must at least be shaped like a list of file names.
    /// </summary>
    public static bool MentionsListing(string answer, IReadOnlyCollection<string>? entries)
    {
        var names = entries?.Where(e => e.Length >= 3).Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (names.Length > 0)
        {
            var mentioned = names.Count(n => answer.Contains(n, StringComparison.Ordinal));
            return mentioned >= Math.Min(2, names.Length);
        }

        var items = answer.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries)
            .Select(s => ListDecoration().Replace(s, "").Trim())
            .Count(s => FileName().IsMatch(s));
        return items >= 2;
    }

    [GeneratedRegex(@"(?<![\d.,])4(?![\d]|\.\d)|\bfour\b", RegexOptions.IgnoreCase)]
    private static partial Regex Four();

    [GeneratedRegex(@"^[\s\-*•`'""]+|[\s`'"".]+$|^.*:\s*")]
    private static partial Regex ListDecoration();

    [GeneratedRegex(@"^[\w.@+-]+/?$")]
    private static partial Regex FileName();
}
