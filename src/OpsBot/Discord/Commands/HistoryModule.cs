using OpsBot.Cli;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.History;

namespace OpsBot.Discord.Commands;

/// <summary>/history: incidents, alerts, restarts, smoke tests and traffic from the SQLite history, rendered like <c>opsbot history</c>.</summary>
public sealed class HistoryModule(OpsCommands commands, PlainTextRenderer renderer) : InteractionModuleBase
{
    public const int MaxHours = 24 * 90;

    [SlashCommand("history", "Show recent incidents, alerts, restarts, smoke tests and traffic")]
    public async Task HistoryAsync(
        [Summary("kind", "What to show (default all)")]
        [Choice("all", "all")]
        [Choice("incidents", "incidents")]
        [Choice("alerts", "alerts")]
        [Choice("restarts", "restarts")]
        [Choice("smoke", "smoke")]
        [Choice("traffic", "traffic")]
        string kind = "all",
        [Summary("hours", "How far back (1-2160, default 24)")]
        [MinValue(1)]
        [MaxValue(MaxHours)]
        int hours = 24)
    {
        await DeferAsync();
        var query = new HistoryQuery(Parse(kind), TimeSpan.FromHours(hours));
        var report = await commands.GetHistoryAsync(query, CancellationToken);
        var text = report is null ? "History is not available (see the OpsBot log)." : renderer.RenderHistory(report);
        await ModifyOriginalAsync(DiscordMessage.FromText(DiscordText.CodeBlock(text, DiscordLimits.Content - 16)));
    }

    private static HistoryKind Parse(string kind) => kind switch
    {
        "incidents" => HistoryKind.Incidents,
        "alerts" => HistoryKind.Alerts,
        "restarts" => HistoryKind.Restarts,
        "smoke" => HistoryKind.SmokeTests,
        "traffic" => HistoryKind.Traffic,
        _ => HistoryKind.All,
    };
}
