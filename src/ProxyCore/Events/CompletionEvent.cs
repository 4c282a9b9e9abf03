using OpsBot.ProxyCore.Proxy.Upstream;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Events;

/// <summary>
/// One chat completion as the proxy saw it. <see cref="EmptyAnswer"/> is the seed's "No reply from
/// agent" signature: vLLM succeeded but produced no tokens, no content and no tool calls.
/// </summary>
/// <remarks>
/// Named properties, not positional ones: the proxy fills them through one per-request recorder, so a new fact
/// about a request is one property here and one line where it becomes known.
/// </remarks>
public sealed record CompletionEvent
{
    public const string ClientDisconnected = "client disconnected";

    /// <summary>Longest model name kept: it comes from the client, and is logged with every request.</summary>
    public const int MaxModelLength = 256;

    private readonly string? _model;
    private readonly string? _error;

    /// <summary>When the request ended.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The model the client asked for (cut to <see cref="MaxModelLength"/>); null when the request was refused before it was read.</summary>
    public string? Model
    {
        get => _model;
        init => _model = value is { Length: > MaxModelLength } ? value[..MaxModelLength] + "…" : value;
    }

    /// <summary>The client asked for a stream.</summary>
    public bool Streamed { get; init; }

    public bool HasTools { get; init; }

    public required CompletionPath Path { get; init; }

    /// <summary>The vLLM backend (<c>host:port</c>) that answered, with several backends; null with one URL, or when none answered.</summary>
    public string? Backend { get; init; }

    /// <summary>vLLM's status; null when vLLM was not asked or did not answer.</summary>
    public int? UpstreamStatus { get; init; }

    public TimeSpan Latency { get; init; }

    /// <summary>When the client got its first byte; null when it got none.</summary>
    public TimeSpan? TimeToFirstByte { get; init; }

    public int? PromptTokens { get; init; }

    public int? CompletionTokens { get; init; }

    /// <summary>Tool calls the client was sent.</summary>
    public int ToolCalls { get; init; }

    /// <summary>Where the calls came from: vLLM's own structured calls, or the text format they were recovered from.</summary>
    public ToolCallFormat? ToolCallFormat { get; init; }

    /// <summary>Characters of content the client was sent.</summary>
    public int ContentLength { get; init; }

    /// <summary>vLLM's answer was still empty after <see cref="EmptyRetries"/> (the client got an explanation instead, unless retries are off).</summary>
    public bool EmptyAnswer { get; init; }

    /// <summary>Times vLLM was asked again because its answer was empty (Proxy:EmptyAnswerRetries).</summary>
    public int EmptyRetries { get; init; }

    /// <summary>vLLM's stream broke after text reached the client, and the rest of the answer came from a continuation request.</summary>
    public bool Continued { get; init; }

    /// <summary>What went wrong, cut to <see cref="UpstreamExcerpt.MaxBytes"/> characters: it often quotes vLLM, and it is logged and alerted on.</summary>
    public string? Error
    {
        get => _error;
        init => _error = value is null ? null : UpstreamExcerpt.Cut(value);
    }

    /// <summary>True when the client did not get a usable answer.</summary>
    public bool Failed => Error is not null || Path is CompletionPath.UpstreamError or CompletionPath.UpstreamUnavailable;
}
