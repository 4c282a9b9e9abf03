using System.Text;
using OpenAI.Chat;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>What a streaming OpenAI client assembles from the updates: text, tool calls by index, finish reason, usage.</summary>
public sealed record StreamedAnswer(string Text, IReadOnlyList<(string Id, string Name, string Arguments)> ToolCalls, ChatFinishReason? FinishReason, ChatTokenUsage? Usage, int Updates)
{
    public static StreamedAnswer Assemble(IEnumerable<StreamingChatCompletionUpdate> updates)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var count = 0;
        foreach (var update in updates)
        {
            count++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                if (!calls.TryGetValue(call.Index, out var entry))
                {
                    entry = (call.ToolCallId ?? "", call.FunctionName ?? "", new StringBuilder());
                    calls[call.Index] = entry;
                }

                if (call.FunctionArgumentsUpdate is { } args && !args.ToMemory().IsEmpty)
                {
                    entry.Arguments.Append(args.ToString());
                }
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        return new StreamedAnswer(text.ToString(), calls.Values.Select(c => (c.Id, c.Name, c.Arguments.ToString())).ToList(), finish, usage, count);
    }
}
