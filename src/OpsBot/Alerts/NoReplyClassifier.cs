using System.Globalization;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Alerts;

/// <summary>Decides whether a completion is the seed's "No reply from agent" failure, and which check says so.</summary>
public static class NoReplyClassifier
{
    public const string EmptyAnswerCheck = "empty answer (0 completion tokens, no content, no tool calls)";
    public const string MidStreamErrorCheck = "upstream error mid-stream";
    public const string NoChunkCheck = "streaming client received no chunk";

    public static NoReplySignal? Classify(CompletionEvent completion)
    {
        var check = Check(completion);
        return check is null ? null : new NoReplySignal(completion.At, NoReplySource.Proxy, check, Summarize(completion));
    }

    private static string? Check(CompletionEvent completion)
    {
        if (completion.EmptyAnswer)
        {
            return EmptyAnswerCheck;
        }

        // vLLM said 200, started streaming, then sent an error event: the client got a broken answer.
        if (completion.Streamed && completion.Path is CompletionPath.StreamPassthrough or CompletionPath.Streamed
            && completion.Error is { } error && error != CompletionEvent.ClientDisconnected)
        {
            return $"{MidStreamErrorCheck}: {error}";
        }

        // Nothing reached the streaming client: it gave up (or the stream ended) before the first chunk.
        // Loop-guard answers and HTTP errors are answers, so they do not count here.
        if (completion.Streamed && completion.TimeToFirstByte is null
            && completion.Path is CompletionPath.StreamPassthrough or CompletionPath.Rewrapped or CompletionPath.Streamed or CompletionPath.UpstreamUnavailable)
        {
            return completion.Error is { } reason ? $"{NoChunkCheck} ({reason})" : NoChunkCheck;
        }

        return null;
    }

    private static string Summarize(CompletionEvent c)
    {
        static string N(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
        return $"model={c.Model ?? "?"} path={c.Path} stream={(c.Streamed ? "yes" : "no")} tools={(c.HasTools ? "yes" : "no")} "
            + $"status={N(c.UpstreamStatus)} prompt_tokens={N(c.PromptTokens)} completion_tokens={N(c.CompletionTokens)} "
            + $"tool_calls={c.ToolCalls} latency={c.Latency.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s"
            + (c.Backend is { } backend ? $" backend={backend}" : "");
    }
}
