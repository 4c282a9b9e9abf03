namespace OpsBot.Bench.Load;

/// <summary>One followed SSE response: when the first non-empty content arrived, and what the stream held.</summary>
internal sealed record SseResult(DateTimeOffset SentUtc, TimeSpan? FirstContent, TimeSpan Total, string Content, bool SawDone, int Events, int Errors);
