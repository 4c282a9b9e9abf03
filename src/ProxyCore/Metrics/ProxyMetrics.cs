using OpsBot.ProxyCore.Events;
using Prometheus;
using OpsBot.ProxyCore.Proxy.Chat;
using OpsBot.ProxyCore.Proxy.Upstream;

namespace OpsBot.ProxyCore.Metrics;

/// <summary>
/// Prometheus metrics of the proxy, served at <c>/metrics</c>. One registry per OpsBot process (not
/// the static default) so tests and restarts of the listener never share or lose series.
/// </summary>
internal sealed class ProxyMetrics : ICompletionObserver
{
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter _requests;
    private readonly Histogram _latency;
    private readonly Histogram _timeToFirstByte;
    private readonly Counter _tokens;
    private readonly Counter _extractions;
    private readonly Counter _normalizations;
    private readonly Counter _loopAborts;
    private readonly Counter _emptyAnswers;
    private readonly Counter _emptyAnswerRetries;
    private readonly Counter _continuations;
    private readonly Counter _upstreamRetries;
    private readonly Gauge _upstreamUp;
    private readonly Lazy<Counter> _backendRequests;
    private readonly Lazy<Counter> _backendFailovers;
    private readonly Lazy<Gauge> _backendUp;
    private readonly Lazy<Gauge> _backendOutstanding;

    public ProxyMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _requests = factory.CreateCounter("opsbot_proxy_chat_requests_total", "Chat completions by path taken and outcome.", "path", "outcome", "stream");
        _latency = factory.CreateHistogram("opsbot_proxy_request_duration_seconds", "Chat completion latency, request received to last byte.",
            new HistogramConfiguration { LabelNames = ["path"], Buckets = LatencyBuckets });
        _timeToFirstByte = factory.CreateHistogram("opsbot_proxy_time_to_first_byte_seconds", "Chat completion time to the first byte sent to the client.",
            new HistogramConfiguration { LabelNames = ["path"], Buckets = LatencyBuckets });
        _tokens = factory.CreateCounter("opsbot_proxy_tokens_total", "Tokens reported by vLLM.", "kind");
        _extractions = factory.CreateCounter("opsbot_proxy_tool_call_extractions_total", "Tool calls recovered from text, by format.", "format");
        _normalizations = factory.CreateCounter("opsbot_proxy_request_normalizations_total", "Request rewrites so vLLM accepts the request, by kind.", "kind");
        _loopAborts = factory.CreateCounter("opsbot_proxy_loop_guard_aborts_total", "Turns ended by the loop guard.");
        _emptyAnswers = factory.CreateCounter("opsbot_proxy_empty_answers_total",
            "Answers still empty (no content, no tool calls) after Proxy:EmptyAnswerRetries: OpenClaw shows 'No reply from agent' or the proxy's explanation.");
        _emptyAnswerRetries = factory.CreateCounter("opsbot_proxy_empty_answer_retries_total", "Times vLLM was asked again because its answer was empty.");
        _continuations = factory.CreateCounter("opsbot_proxy_stream_continuations_total", "Streams that broke after text went out and were finished by a continuation request.");
        _upstreamRetries = factory.CreateCounter("opsbot_proxy_upstream_retries_total", "Requests retried while vLLM was down or restarting.");
        _upstreamUp = factory.CreateGauge("opsbot_proxy_upstream_up", "1 when the last contact with vLLM succeeded, 0 when it failed.");

        // Per-backend metrics are created on first use, which only several vLLM URLs make: one URL exposes exactly the ones above.
        _backendRequests = new(() => factory.CreateCounter("opsbot_proxy_backend_requests_total", "Chat completions by the vLLM backend that answered, and outcome.", "backend", "outcome"));
        _backendFailovers = new(() => factory.CreateCounter("opsbot_proxy_backend_failovers_total", "Requests moved away from a backend that refused, broke off or answered 5xx.", "backend"));
        _backendUp = new(() => factory.CreateGauge("opsbot_proxy_backend_up", "1 while a vLLM backend gets requests, 0 while it is down or cooling down.", "backend"));
        _backendOutstanding = new(() => factory.CreateGauge("opsbot_proxy_backend_outstanding", "Requests sent to a vLLM backend whose answer is not relayed to the end yet.", "backend"));
    }

    public CollectorRegistry Registry { get; }

    public void OnCompletion(CompletionEvent completion)
    {
        var path = completion.Path.ToString();
        var outcome = completion.Failed ? "error" : completion.EmptyAnswer ? "empty" : "ok";
        _requests.WithLabels(path, outcome, completion.Streamed ? "true" : "false").Inc();
        if (completion.Backend is { } backend)
        {
            _backendRequests.Value.WithLabels(backend, outcome).Inc();
        }

        _latency.WithLabels(path).Observe(completion.Latency.TotalSeconds);
        if (completion.TimeToFirstByte is { } ttfb)
        {
            _timeToFirstByte.WithLabels(path).Observe(ttfb.TotalSeconds);
        }

        if (completion.PromptTokens is { } prompt) _tokens.WithLabels("prompt").Inc(prompt);
        if (completion.CompletionTokens is { } generated) _tokens.WithLabels("completion").Inc(generated);
        if (completion.ToolCallFormat is { } format && completion.ToolCalls > 0)
        {
            _extractions.WithLabels(format.ToString()).Inc(completion.ToolCalls);
        }

        if (completion.Path == CompletionPath.LoopGuard) _loopAborts.Inc();
        if (completion.EmptyAnswer) _emptyAnswers.Inc();
        if (completion.EmptyRetries > 0) _emptyAnswerRetries.Inc(completion.EmptyRetries);
        if (completion.Continued) _continuations.Inc();
        if (completion.UpstreamStatus is not null) _upstreamUp.Set(1);
        else if (completion.Path == CompletionPath.UpstreamUnavailable && completion.Error != CompletionEvent.ClientDisconnected) _upstreamUp.Set(0);
    }

    public void RecordNormalization(NormalizationReport report)
    {
        foreach (var kind in report.Kinds())
        {
            _normalizations.WithLabels(kind).Inc();
        }
    }

    public void RecordUpstreamRetry() => _upstreamRetries.Inc();

    public void SetUpstreamUp(bool up) => _upstreamUp.Set(up ? 1 : 0);

    public void RecordBackendFailover(string backend) => _backendFailovers.Value.WithLabels(backend).Inc();

    public void SetBackendState(string backend, bool up, int outstanding)
    {
        _backendUp.Value.WithLabels(backend).Set(up ? 1 : 0);
        _backendOutstanding.Value.WithLabels(backend).Set(outstanding);
    }
}
