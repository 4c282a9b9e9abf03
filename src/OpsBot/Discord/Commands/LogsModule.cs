using System.Text;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>/logs: the tail of one service log, inline when it fits a message, as a file when it does not.</summary>
public sealed class LogsModule(IOpsOperations operations) : InteractionModuleBase
{
    [SlashCommand("logs", "Show the last lines of a service log")]
    public async Task LogsAsync(
        [Summary("service", "Whose log to show")]
        StackService service,
        [Summary("lines", "How many lines (1-500, default 50)")]
        [MinValue(1)]
        [MaxValue(OpsLimits.MaxLogLines)]
        int lines = OpsLimits.DefaultLogLines)
    {
        await DeferAsync();
        var tail = await operations.GetLogsAsync(service, lines, null, CancellationToken);
        await ModifyOriginalAsync(BuildMessage(EnumNames<StackService>.NameOf(service), lines, tail));
    }

    public static DiscordMessage BuildMessage(string service, int requested, LogTail tail)
    {
        if (tail.Error is { } error)
        {
            return DiscordMessage.FromText($"⚠️ Could not read the `{service}` log:\n{DiscordText.CodeBlock(error, 1500)}");
        }

        if (tail.Lines.Count == 0)
        {
            return DiscordMessage.FromText($"`{service}` log: no lines.");
        }

        var header = $"**{service}**: last {tail.Lines.Count} line(s) (asked for {requested})";
        var inline = header + "\n" + DiscordText.CodeBlock(string.Join('\n', tail.Lines), int.MaxValue);
        if (inline.Length <= DiscordLimits.Content)
        {
            return DiscordMessage.FromText(inline);
        }

        // Too long for one message: the whole tail goes into a file, with the newest lines as a preview.
        var file = Encoding.UTF8.GetBytes(string.Join('\n', tail.Lines) + "\n");
        var note = $"{header}; full tail attached as `{service}-tail.log`.";
        var (preview, shown) = DiscordText.TailCodeBlock(tail.Lines, DiscordLimits.Content - note.Length - 40);
        return new DiscordMessage
        {
            Content = $"{note}\nLast {shown} line(s):\n{preview}",
            Attachments = [new DiscordAttachment($"{service}-tail.log", file, $"last {tail.Lines.Count} lines of the {service} log")],
        };
    }
}
