using System.Globalization;
using OpsBot.Alerts;
using OpsBot.Components;
using OpsBot.Discord;
using OpsBot.Discord.Rest;
using OpsBot.Ops;

namespace OpsBot.Status;

/// <summary>
/// /status as Discord shows it, laid out for a phone (about 420 px, ~40 characters a line): a headline line per service
/// (state emoji, name, one figure), then one field per service with the figures an operator acts on, the components that
/// are not running, silences and maintenance. Times are Discord timestamps, so each reader sees their own zone.
/// A service with several targets (gateways, vLLM servers) gets one headline line that sums them up ("1/2 up · gw-b down")
/// and a field per target opening with its state; should that break Discord's limits (25 fields, 6000 characters), each
/// such service gets one field with a line per target instead.
/// </summary>
public static class StatusEmbedRenderer
{
    /// <summary>About what a 420 px phone shows on one line of an embed.</summary>
    public const int PhoneLine = 40;

    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    /// <param name="now">When the answer is sent: a snapshot older than 30 s says when it was taken.</param>
    /// <param name="buttons">Shown under the embed (the "Charts" button, when charts are part of this build).</param>
    public static DiscordMessage Render(StatusReport report, DateTimeOffset now, IReadOnlyList<DiscordButton>? buttons = null) => new()
    {
        Embeds = [BuildEmbed(report, now)],
        Buttons = buttons ?? [],
    };

    public static DiscordEmbed BuildEmbed(StatusReport report, DateTimeOffset now)
    {
        var services = report.Stack?.Services ?? [];
        var groups = ServiceGroup.Of(report.Stack);
        var headline = groups.Select(g => g.IsSingle ? HeadlineLine(g.Targets[0], report) : GroupHeadlineLine(g)).ToList();
        if (report.Stack is null)
        {
            headline.Add($"❔ stack status unavailable: {report.StackError}");
        }
        else if (services.Count == 0)
        {
            headline.Add("No services reported.");
        }

        var takenAt = report.Stack?.TakenAt ?? report.TakenAt;
        if (now - takenAt > StaleAfter)
        {
            headline.Add($"_probed {Timestamp(takenAt)}_");
        }

        var tail = new List<DiscordEmbedField>();
        // Several vLLM backends behind the proxy: one line each (issue 16).
        if (BackendLines.Of(report.VllmBackends) is { Count: > 0 } backends)
        {
            tail.Add(new DiscordEmbedField(BackendLines.Title, DiscordLimits.Truncate(string.Join("\n", backends), DiscordLimits.FieldValue)));
        }

        if (ComponentsField(report.Components) is { } components)
        {
            tail.Add(components);
        }

        if (AlertsField(report) is { } alerts)
        {
            tail.Add(alerts);
        }

        var embed = new DiscordEmbed
        {
            Title = "OpsBot status",
            Description = DiscordLimits.Truncate(string.Join("\n", headline), DiscordLimits.EmbedDescription),
            Color = DiscordColors.For(report.Overall),
            Fields = [.. groups.SelectMany(g => ServiceFields(g, report, compact: false)), .. tail],
            FooterText = OffFooter(report.Components),
            Timestamp = takenAt,
        };
        if (embed.Fields.Count > DiscordLimits.EmbedFields || TotalLength(embed) > DiscordLimits.EmbedTotal)
        {
            embed = embed with { Fields = [.. groups.SelectMany(g => ServiceFields(g, report, compact: true)), .. tail] };
        }

        return embed with { Fields = FitTotal(embed, embed.Fields) };
    }

    /// <summary>
    /// A field per target of a service with several (name "gateway · gw-b", its state word first, its figures below), or, <paramref name="compact"/>,
    /// one field for all of them with a line each; one field as before for a service with one unnamed target.
    /// </summary>
    private static IEnumerable<DiscordEmbedField> ServiceFields(ServiceGroup group, StatusReport report, bool compact)
    {
        if (group.IsSingle)
        {
            var lines = StatusFigures.Lines(group.Targets[0], report, Timestamp);
            return lines.Count == 0 ? [] : [new DiscordEmbedField(FieldName(group.Targets[0]), DiscordLimits.Truncate(string.Join("\n", lines), DiscordLimits.FieldValue))];
        }

        // vLLM throughput comes from the metrics history, which only the first vLLM feeds.
        var figures = group.Targets.Select((t, i) => (Target: t, Report: i == 0 ? report : report with { GenerationTokensPerSecond = null }));
        if (compact)
        {
            // Two phone lines at most: a long target name (32 characters) with a timestamp still fits whole.
            var lines = figures.Select(f => DiscordLimits.Truncate($"{Icon(f.Target.State)} **{ServiceGroup.NameOf(f.Target)}** · {StatusFigures.Headline(f.Target, f.Report, Timestamp)}", 2 * PhoneLine));
            return [new DiscordEmbedField(group.Name, DiscordLimits.Truncate(string.Join("\n", lines), DiscordLimits.FieldValue))];
        }

        return figures.Select(f => new DiscordEmbedField(
            FieldName(f.Target, ofSeveral: true),
            DiscordLimits.Truncate(string.Join("\n", [$"{Icon(f.Target.State)} {f.Target.State.ToString().ToLowerInvariant()}", .. StatusFigures.Lines(f.Target, f.Report, Timestamp)]), DiscordLimits.FieldValue)));
    }

    /// <summary>What Discord counts against its 6000-character limit: title, description, field names and values, footer.</summary>
    private static int TotalLength(DiscordEmbed embed) =>
        (embed.Title?.Length ?? 0) + (embed.Description?.Length ?? 0) + (embed.FooterText?.Length ?? 0) + embed.Fields.Sum(f => f.Name.Length + f.Value.Length);

    /// <summary>The last guard of the 6000-character limit: shortens the longest field values until the embed fits.</summary>
    private static IReadOnlyList<DiscordEmbedField> FitTotal(DiscordEmbed embed, IReadOnlyList<DiscordEmbedField> fields)
    {
        var fitted = fields.ToList();
        for (var excess = TotalLength(embed) - DiscordLimits.EmbedTotal; excess > 0; excess = TotalLength(embed with { Fields = fitted }) - DiscordLimits.EmbedTotal)
        {
            var longest = fitted.Count == 0 ? -1 : fitted.IndexOf(fitted.MaxBy(f => f.Value.Length)!);
            if (longest < 0 || fitted[longest].Value.Length <= 1)
            {
                break; // Nothing left to shorten in the fields; the description and footer have limits of their own.
            }

            var value = fitted[longest].Value;
            fitted[longest] = fitted[longest] with { Value = DiscordLimits.Truncate(value, Math.Max(1, value.Length - excess)) };
        }

        return fitted;
    }

    /// <summary>"⚠️ **gateways** · 1/2 up · gw-b down": the targets not up, cut to a phone line.</summary>
    private static string GroupHeadlineLine(ServiceGroup group)
    {
        var room = PhoneLine - 2 - 1 - group.Name.Length - 3;
        return $"{Icon(group.State)} **{group.Name}** · {DiscordLimits.Truncate(group.Summary, room)}";
    }

    /// <summary>"✅ **vLLM** · KV cache 41 %": at most <see cref="PhoneLine"/> characters as a phone shows them.</summary>
    private static string HeadlineLine(ServiceStatus service, StatusReport report)
    {
        var name = StackServiceNames.Of(service.Service);
        var figure = StatusFigures.Headline(service, report, Timestamp);
        // Emoji (2 columns), a space, the name, " · ": what is left is the figure's; a timestamp is never cut.
        var room = PhoneLine - 2 - 1 - name.Length - 3;
        if (!figure.Contains("<t:", StringComparison.Ordinal))
        {
            figure = DiscordLimits.Truncate(figure, room);
        }

        return $"{Icon(service.State)} **{name}** · {figure}";
    }

    /// <summary>A Discord timestamp in relative style ("3 hours ago"), drawn in each reader's own language and zone.</summary>
    public static string Timestamp(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"<t:{at.ToUnixTimeSeconds()}:R>");

    public static string Icon(HealthState state) => state switch
    {
        HealthState.Healthy => "✅",
        HealthState.Degraded => "⚠️",
        HealthState.Down => "❌",
        _ => "❔",
    };

    /// <param name="ofSeveral">One of a service's named targets: "gateway · gw-b".</param>
    private static string FieldName(ServiceStatus service, bool ofSeveral = false) =>
        service.Service == StackService.Proxy ? "proxy · last hour"
        : ofSeveral ? DiscordLimits.Truncate($"{StackServiceNames.Of(service.Service)} · {ServiceGroup.NameOf(service)}", DiscordLimits.FieldName)
        : StackServiceNames.Of(service.Service);

    /// <summary>OpsBot's own parts that are not running (disabled, failed, degraded, starting), each with why.</summary>
    private static DiscordEmbedField? ComponentsField(IReadOnlyList<ComponentStatus>? components)
    {
        var troubled = components?.Where(c => c.State is not (ComponentState.Running or ComponentState.Off)).ToList() ?? [];
        if (troubled.Count == 0)
        {
            return null;
        }

        var lines = troubled.Select(c => $"{ComponentIcon(c.State)} **{c.Name}** {c.StateName}: {c.Reason}");
        return new DiscordEmbedField("OpsBot components", DiscordLimits.Truncate(string.Join("\n", lines), DiscordLimits.FieldValue));
    }

    /// <summary>Components off on purpose (not configured) are no problem: one quiet line at the bottom.</summary>
    private static string? OffFooter(IReadOnlyList<ComponentStatus>? components) =>
        components?.Where(c => c.State == ComponentState.Off).Select(c => c.Name).ToList() is { Count: > 0 } off
            ? DiscordLimits.Truncate($"off: {string.Join(", ", off)}", DiscordLimits.FooterText)
            : null;

    private static DiscordEmbedField? AlertsField(StatusReport report)
    {
        var lines = report.Silences.Select(s => $"🔕 {AlertTargets.Describe(s.Target)} silenced until {Timestamp(s.Until)}")
            .Concat(report.Maintenance.Select(m => $"🔧 {StackServiceNames.Of(m.Service)} in maintenance since {Timestamp(m.Since)}"))
            .ToList();
        return lines.Count == 0 ? null : new DiscordEmbedField("alerts", DiscordLimits.Truncate(string.Join("\n", lines), DiscordLimits.FieldValue));
    }

    private static string ComponentIcon(ComponentState state) => state switch
    {
        ComponentState.Starting => "⏳",
        ComponentState.Degraded => "⚠️",
        _ => "❌",
    };
}
