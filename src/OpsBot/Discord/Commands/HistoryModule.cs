using OpsBot.Cli;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.History;
using OpsBot.Operations;

namespace OpsBot.Discord.Commands;

/// <summary>/history: incidents, alerts, restarts, smoke tests and traffic from the SQLite history, rendered like <c>opsbot history</c>.</summary>
public sealed class HistoryModule(IOpsOperations operations, PlainTextRenderer renderer) : InteractionModuleBase
{
    [SlashCommand("history", "Show recent incidents, alerts, restarts, smoke tests and traffic")]
    public async Task HistoryAsync(
        [Summary("kind", "What to show (default all)")]
        HistoryKind kind = HistoryKind.All,
        [Summary("hours", "How far back (1-2160, default 24)")]
        [MinValue(1)]
        [MaxValue(HistoryQuery.MaxHours)]
        int hours = 24)
    {
        await DeferAsync();
        var query = new HistoryQuery(kind, TimeSpan.FromHours(hours));
        var report = await operations.GetHistoryAsync(query, CancellationToken);
        var text = report is null ? "History is not available (see the OpsBot log)." : renderer.RenderHistory(report);
        await ModifyOriginalAsync(DiscordMessage.FromText(DiscordText.CodeBlock(text, DiscordLimits.Content - 16)));
    }
}
