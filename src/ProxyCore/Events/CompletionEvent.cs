using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.ToolCalls;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Events;

/// <summary>
/// One chat completion as the proxy saw it. <see cref="EmptyAnswer"/> is the seed's "No reply from
/// agent" signature: vLLM succeeded but produced no tokens, no content and no tool calls.
/// </summary>
public sealed record CompletionEvent(
    DateTimeOffset At,
    string? Model,
    bool Streamed,
    bool HasTools,
    CompletionPath Path,
    int? UpstreamStatus,
    TimeSpan Latency,
    TimeSpan? TimeToFirstByte,
    int? PromptTokens,
    int? CompletionTokens,
    int ToolCalls,
    ToolCallFormat? ToolCallFormat,
    int ContentLength,
    bool EmptyAnswer,
    string? Error = null)
{
    public const string ClientDisconnected = "client disconnected";

    /// <summary>Longest model name kept: it comes from the client, and is logged with every request.</summary>
    public const int MaxModelLength = 256;

    public string? Model { get; init; } = Model is { Length: > MaxModelLength } ? Model[..MaxModelLength] + "…" : Model;

    /// <summary>What went wrong, cut to <see cref="UpstreamExcerpt.MaxBytes"/> characters: it often quotes vLLM, and it is logged and alerted on.</summary>
    public string? Error { get; init; } = Error is null ? null : UpstreamExcerpt.Cut(Error);

    /// <summary>True when the client did not get a usable answer.</summary>
    public bool Failed => Error is not null || Path is CompletionPath.UpstreamError or CompletionPath.UpstreamUnavailable;
}
