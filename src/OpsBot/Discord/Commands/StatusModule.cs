using OpsBot.Charts;
using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Status;

namespace OpsBot.Discord.Commands;

/// <summary>/status: the status snapshot drawn for Discord (<see cref="StatusEmbedRenderer"/>), with a "Charts" button when charts are on.</summary>
public sealed class StatusModule(IOpsOperations operations, TimeProvider time, IChartService? charts = null) : InteractionModuleBase
{
    [SlashCommand("status", "Show the health of vLLM, the proxy and the OpenClaw gateway")]
    public async Task StatusAsync()
    {
        // Status probes the stack over the network; defer so a slow probe never breaks Discord's 3-second rule.
        await DeferAsync();
        var report = await operations.GetStatusAsync(inService: true, CancellationToken);
        await ModifyOriginalAsync(StatusEmbedRenderer.Render(report, time.GetUtcNow(), charts is null ? null : [ChartModule.Button(ChartRange.Day)]));
    }
}
