using System.Text;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Discord.Commands;

/// <summary>
/// /logs: the tail of one service log, inline when it fits a message, as a file when it does not. With several gateways
/// or vLLM containers, <c>target</c> (autocompleted) picks one; without it the first configured one is shown, its name in
/// the header, with a line naming the others.
/// </summary>
public sealed class LogsModule(IOpsOperations operations, OpsTargets? targets = null) : InteractionModuleBase
{
    [SlashCommand("logs", "Show the last lines of a service log")]
    public async Task LogsAsync(
        [Summary("service", "Whose log to show")]
        StackService service,
        [Summary("lines", "How many lines (1-500, default 50)")]
        [MinValue(1)]
        [MaxValue(OpsLimits.MaxLogLines)]
        int lines = OpsLimits.DefaultLogLines,
        [Summary("target", "Which gateway or vLLM, when several are configured (default: the first)")]
        [Autocomplete(typeof(ServiceTargetAutocomplete))]
        string? target = null)
    {
        if (!CommandTargets.TryResolve(targets, service, target, required: false, out var name, out var error))
        {
            await RespondAsync("⚠️ " + error, ephemeral: true);
            return;
        }

        // Several targets and none named: the first one, named, so nobody takes its log for another's.
        var names = targets?.Names(service) ?? [];
        var shown = name ?? (names.Count > 1 ? names[0] : null);
        await DeferAsync();
        var tail = await operations.GetLogsAsync(service, lines, shown, CancellationToken);
        var message = BuildMessage(CommandTargets.Label(service, shown), lines, tail);
        if (name is null && names.Count > 1 && message.Content is { } content)
        {
            var hint = $"\n-# Showing `{shown}`; other {EnumNames<StackService>.NameOf(service)} targets: {string.Join(", ", names.Skip(1).Select(n => $"`{n}`"))} (pick one with `target`).";
            message = content.Length + hint.Length <= DiscordLimits.Content ? message with { Content = content + hint } : message;
        }

        await ModifyOriginalAsync(message);
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
        var fileName = $"{service.Replace(' ', '-')}-tail.log";
        var note = $"{header}; full tail attached as `{fileName}`.";
        var (preview, shown) = DiscordText.TailCodeBlock(tail.Lines, DiscordLimits.Content - note.Length - 40);
        return new DiscordMessage
        {
            Content = $"{note}\nLast {shown} line(s):\n{preview}",
            Attachments = [new DiscordAttachment(fileName, file, $"last {tail.Lines.Count} lines of the {service} log")],
        };
    }
}
