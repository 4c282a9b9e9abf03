using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Cli;

/// <summary>
/// Turns command results into what a front end shows. The CLI uses <see cref="PlainTextRenderer"/>;
/// the Discord bot renders the same reports into messages/embeds, so both say the same things.
/// </summary>
public interface IOpsRenderer<out TOutput>
{
    TOutput RenderStatus(StatusReport report);

    TOutput RenderLogs(LogTail tail);

    TOutput RenderSmokeProgress(string step, TimeSpan elapsed);

    TOutput RenderSmoke(SmokeReport report);

    TOutput RenderConfigCheck(ConfigCheckReport report);

    TOutput RenderHistory(HistoryReport report);
}
