using Microsoft.Extensions.Logging;
using OpsBot.Charts;
using OpsBot.Components;
using OpsBot.Discord.Interactions;
using OpsBot.Wiring;

namespace OpsBot.Discord.Commands;

/// <summary>
/// <c>/chart range:</c> and the "Charts" button under /status: draws history as a PNG and posts it as a file (multipart
/// <c>payload_json</c> + <c>files[0]</c>), which Discord shows inline, full width on a phone.
/// </summary>
public sealed partial class ChartModule(ILogger<ChartModule> logger, IChartService? charts = null, ComponentStates? components = null) : InteractionModuleBase
{
    public const string ButtonPrefix = "chart";

    /// <summary>A button that posts the chart of <paramref name="range"/> ("Charts (24 h)").</summary>
    public static DiscordButton Button(ChartRange range) => new($"{ButtonPrefix}:{range.Name}", $"Charts ({range.Description.Replace("last ", "", StringComparison.Ordinal)})");

    [SlashCommand("chart", "Chart proxy traffic, latency and vLLM's KV cache from history")]
    public async Task ChartAsync(
        [Summary("range", "How far back (default 24h)")]
        [Choice("last hour", "1h")]
        [Choice("last 24 h", "24h")]
        [Choice("last 7 days", "7d")]
        string range = "24h")
    {
        if (!ChartRange.TryParse(range, out var parsed))
        {
            await RespondAsync($"⚠️ Unknown range `{range}`: use {ChartRange.Names}.", ephemeral: true);
            return;
        }

        // Reading a week of history and drawing it takes longer than Discord's 3 seconds on a busy host.
        await DeferAsync();
        await ModifyOriginalAsync(await DrawAsync(parsed));
    }

    [ComponentInteraction(ButtonPrefix + ":*")]
    public async Task ChartButtonAsync(string range)
    {
        if (!ChartRange.TryParse(range, out var parsed))
        {
            await RespondAsync("⚠️ Unknown range in this button.", ephemeral: true);
            return;
        }

        // The chart goes under the status message as a follow-up; the status message itself stays as it is.
        await DeferAsync();
        await FollowupAsync(await DrawAsync(parsed));
    }

    private async Task<DiscordMessage> DrawAsync(ChartRange range)
    {
        if (charts is null)
        {
            var why = components?.Get(ComponentNames.Charts) is { Reason: { } reason } ? $": {reason}" : ".";
            return DiscordMessage.FromText($"📉 Charts are off{why}");
        }

        ChartImage chart;
        try
        {
            chart = await charts.RenderAsync(range, cancellationToken: CancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogChartFailed(logger, range.Name, ex);
            return DiscordMessage.FromText($"⚠️ Could not draw the {range.Description} chart ({ex.GetType().Name}; details in the OpsBot log).");
        }

        var note = chart.History.IsAvailable ? "" : $" (history is {chart.History.State.ToString().ToLowerInvariant()})";
        return new DiscordMessage
        {
            Content = $"📈 {chart.Model.Title}{note}",
            Attachments = [chart.ToDiscordAttachment()],
        };
    }

    [LoggerMessage(EventId = OpsBotEventIds.ChartModuleChartFailed, Level = LogLevel.Warning, Message = "Drawing the {Range} chart for Discord failed")]
    private static partial void LogChartFailed(ILogger logger, string range, Exception exception);
}
