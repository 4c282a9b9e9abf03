using OpsBot.ProxyCore.Proxy.Backends;
using System.ComponentModel.DataAnnotations;
using OpsBot.ProxyCore.Proxy.RequestBodies;

namespace OpsBot.ProxyCore.Proxy;

/// <summary>Configuration section <c>Proxy</c>; the command-line flags of the Python proxy map onto it.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>
    /// vLLM's base URL without <c>/v1</c> (the Python proxy's <c>--vllm-url</c>), or several separated by commas: each
    /// is a backend serving the same model (see docs/backends.md). One URL behaves exactly as the Python proxy did.
    /// </summary>
    [Required]
    public string VllmUrl { get; set; } = "http://localhost:8000";

    /// <summary>Listen address (<c>--host</c>).</summary>
    [Required]
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>Listen port (<c>--port</c>).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8003;

    /// <summary>Tool results in one conversation at which the loop guard ends the turn instead of asking vLLM.</summary>
    [Range(1, 10_000)]
    public int MaxToolCalls { get; set; } = 20;

    /// <summary>The same tool called with the same arguments this many times in a row ends the turn.</summary>
    [Range(2, 1000)]
    public int MaxRepeatedToolCalls { get; set; } = 3;

    /// <summary>How streaming requests with tools are answered; see README for the measurements behind the default.</summary>
    public ToolStreamingMode ToolStreaming { get; set; } = ToolStreamingMode.Stream;

    /// <summary>
    /// How long a request that has not sent anything to its client waits for vLLM to come back
    /// (connection refused or 503 while it restarts) before the client gets a 503. Zero fails at once.
    /// </summary>
    public TimeSpan UpstreamWait { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Requests allowed to wait for vLLM at once; more get 503 immediately instead of piling up.</summary>
    [Range(0, 100_000)]
    public int MaxWaitingRequests { get; set; } = 256;

    /// <summary>
    /// How many more times an empty answer (success, no content, no tool calls: OpenClaw's "No reply from agent"; vLLM
    /// reports it as an immediate end of sequence, 1 completion token) is asked for before the client gets anything; one still empty after them is answered with an
    /// explanation. Zero turns both off: the empty answer goes to the client as it is.
    /// </summary>
    [Range(0, MaxEmptyAnswerRetries)]
    public int EmptyAnswerRetries { get; set; } = 1;

    /// <summary>Upper bound of <see cref="EmptyAnswerRetries"/>: each retry is a whole generation the user waits for.</summary>
    public const int MaxEmptyAnswerRetries = 5;

    /// <summary>Whole-request timeout towards vLLM (v4 used 300 s).</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Largest accepted request body; 128 K-token contexts reach several MB.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Request bytes held in memory at once across all chat requests; further requests wait before their body is
    /// read (see <see cref="RequestBodyBudget"/>). Parsing needs about as much again, so memory for bodies peaks
    /// near twice this. A body larger than the budget is served alone.
    /// </summary>
    [Range(64 * 1024, long.MaxValue)]
    public long MaxBufferedRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest answer from vLLM the proxy reads to parse it: a non-streaming answer (cleaning, tool-call recovery,
    /// re-wrap), or a stream it holds tool calls back from. An answer is at most <c>max_tokens</c> of text, a few MB
    /// for the longest; more is a broken upstream (502, or an error event on a stream). Relayed streams are not held.
    /// </summary>
    [Range(64 * 1024d, 1024d * 1024 * 1024)]
    public long MaxResponseBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest single server-sent event from vLLM (one chunk, a few hundred bytes normally; a whole tool-call
    /// argument at most). A stream that sends a larger one is ended with an error event and <c>[DONE]</c> instead of
    /// being held in memory.
    /// </summary>
    [Range(4 * 1024, int.MaxValue)]
    public int MaxSseEventBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Keys a client must send as <c>Authorization: Bearer &lt;key&gt;</c> on <c>/v1/*</c> and <c>/metrics</c> (any one of
    /// them); empty, the default, leaves the proxy open like the Python proxy. Environment: <c>Proxy__ApiKeys__0=…</c>.
    /// The header is forwarded to vLLM as before, so a vLLM started with <c>--api-key</c> gets the same key.
    /// </summary>
    public string[] ApiKeys { get; set; } = [];

    /// <summary>
    /// With several backends: a conversation leaves its preferred backend for the least loaded one when the preferred
    /// one has more requests outstanding than this multiple of the mean (and at least <see cref="AffinitySpillMinimum"/>).
    /// </summary>
    [Range(1.0, 1000.0)]
    public double AffinitySpillFactor { get; set; } = 2.0;

    /// <summary>
    /// With several backends: outstanding requests below which a backend never counts as saturated. vLLM batches many
    /// requests at once, so a few more on one server cost far less than losing its prefix cache.
    /// </summary>
    [Range(1, 100_000)]
    public int AffinitySpillMinimum { get; set; } = 4;

    /// <summary>
    /// With several backends, how a request's backend is chosen: <see cref="BackendRouting.Affinity"/> (the default; a
    /// conversation stays where its prefix is cached), or the classic load balancers the benchmark compares it with.
    /// </summary>
    public BackendRouting Routing { get; set; } = BackendRouting.Affinity;

    /// <summary>With several backends: how long a backend that refused a connection or answered 5xx gets no new requests.</summary>
    public TimeSpan BackendCooldown { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With several backends: how often each backend's <c>/health</c> is probed. A single backend is not probed.</summary>
    public TimeSpan HealthProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><see cref="VllmUrl"/> as it may be shown (<c>/health</c>, logs, errors): user info masked.</summary>
    public string VllmDisplayUrl => string.Join(',', VllmUrls.Select(UrlSecrets.Mask));

    /// <summary>The backends' base URLs as configured: <see cref="VllmUrl"/> split at commas, blanks dropped.</summary>
    public IReadOnlyList<string> VllmUrls =>
        VllmUrl.Contains(',') ? VllmUrl.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [VllmUrl];
}
