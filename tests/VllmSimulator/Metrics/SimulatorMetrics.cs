using System.Globalization;
using System.Text;

namespace OpsBot.VllmSimulator.Metrics;

/// <summary>Live counters behind /metrics, named and labelled like vLLM's Prometheus exporter (v0.12+).</summary>
internal sealed class SimulatorMetrics
{
    private long _promptTokens;
    private long _generationTokens;
    private long _finishedStop;
    private long _finishedLength;
    private long _finishedAbort;
    private long _chat2xx;
    private long _chat4xx;
    private long _chat5xx;
    private long _healthChecks;
    private long _prefixQueried;
    private long _prefixHits;
    private long _e2eMicros;

    public long HealthChecks => Interlocked.Read(ref _healthChecks);

    public void HealthChecked() => Interlocked.Increment(ref _healthChecks);

    /// <summary>The prefix-cache model looked up <paramref name="prompt"/> tokens and found <paramref name="cached"/> of them.</summary>
    public void PrefixCacheQueried(int prompt, int cached)
    {
        Interlocked.Add(ref _prefixQueried, prompt);
        Interlocked.Add(ref _prefixHits, cached);
    }

    public void ChatResponded(int status)
    {
        if (status >= 500)
        {
            Interlocked.Increment(ref _chat5xx);
        }
        else if (status >= 400)
        {
            Interlocked.Increment(ref _chat4xx);
        }
        else
        {
            Interlocked.Increment(ref _chat2xx);
        }
    }

    public void RequestFinished(string finishReason, int promptTokens, int generationTokens, TimeSpan elapsed)
    {
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _generationTokens, generationTokens);
        Interlocked.Add(ref _e2eMicros, (long)elapsed.TotalMicroseconds);

        // The engine only knows stop/length/abort; "tool_calls" is decided later by the serving layer.
        switch (finishReason)
        {
            case "length":
                Interlocked.Increment(ref _finishedLength);
                break;
            case "abort":
                Interlocked.Increment(ref _finishedAbort);
                break;
            default:
                Interlocked.Increment(ref _finishedStop);
                break;
        }
    }

    public string Render(string modelName, int running, int waiting)
    {
        var labels = $"engine=\"0\",model_name=\"{modelName}\"";
        var finished = Interlocked.Read(ref _finishedStop) + Interlocked.Read(ref _finishedLength) + Interlocked.Read(ref _finishedAbort);
        var text = new StringBuilder(4096);
        Gauge(text, "vllm:num_requests_running", "Number of requests in model execution batches.", labels, running);
        Gauge(text, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", labels, waiting);
        text.Append("# HELP vllm:engine_sleep_state Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.\n")
            .Append("# TYPE vllm:engine_sleep_state gauge\n");
        Sample(text, "vllm:engine_sleep_state", labels + ",sleep_state=\"awake\"", 1);
        Sample(text, "vllm:engine_sleep_state", labels + ",sleep_state=\"weights_offloaded\"", 0);
        Sample(text, "vllm:engine_sleep_state", labels + ",sleep_state=\"discard_all\"", 0);
        Gauge(text, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", labels, Math.Min(1.0, running * 0.01));
        Counter(text, "vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.", labels, Interlocked.Read(ref _prefixQueried) is var queried and > 0 ? queried : Interlocked.Read(ref _promptTokens));
        Counter(text, "vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", labels, Interlocked.Read(ref _prefixHits));
        Counter(text, "vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", labels, 0);
        Counter(text, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", labels, Interlocked.Read(ref _promptTokens));
        Counter(text, "vllm:generation_tokens_total", "Number of generation tokens processed.", labels, Interlocked.Read(ref _generationTokens));
        text.Append("# HELP vllm:request_success_total Count of successfully processed requests.\n")
            .Append("# TYPE vllm:request_success_total counter\n");
        Sample(text, "vllm:request_success_total", labels + ",finished_reason=\"stop\"", Interlocked.Read(ref _finishedStop));
        Sample(text, "vllm:request_success_total", labels + ",finished_reason=\"length\"", Interlocked.Read(ref _finishedLength));
        Sample(text, "vllm:request_success_total", labels + ",finished_reason=\"abort\"", Interlocked.Read(ref _finishedAbort));
        Histogram(text, "vllm:request_prompt_tokens", "Number of prefill tokens processed.", labels, finished, Interlocked.Read(ref _promptTokens));
        Histogram(text, "vllm:request_generation_tokens", "Number of generation tokens processed.", labels, finished, Interlocked.Read(ref _generationTokens));
        Histogram(text, "vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", labels, finished, Interlocked.Read(ref _e2eMicros) / 1_000_000.0);
        text.Append("# HELP http_requests_total Total number of requests by method, status and handler.\n")
            .Append("# TYPE http_requests_total counter\n");
        Sample(text, "http_requests_total", "handler=\"/v1/chat/completions\",method=\"POST\",status=\"2xx\"", Interlocked.Read(ref _chat2xx));
        Sample(text, "http_requests_total", "handler=\"/v1/chat/completions\",method=\"POST\",status=\"4xx\"", Interlocked.Read(ref _chat4xx));
        Sample(text, "http_requests_total", "handler=\"/v1/chat/completions\",method=\"POST\",status=\"5xx\"", Interlocked.Read(ref _chat5xx));
        Sample(text, "http_requests_total", "handler=\"/health\",method=\"GET\",status=\"2xx\"", HealthChecks);
        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, string labels, double value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(" gauge\n");
        Sample(text, name, labels, value);
    }

    private static void Counter(StringBuilder text, string name, string help, string labels, double value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(" counter\n");
        Sample(text, name, labels, value);
    }

    private static void Histogram(StringBuilder text, string name, string help, string labels, long count, double sum)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(" histogram\n");
        Sample(text, name + "_bucket", labels + ",le=\"+Inf\"", count);
        Sample(text, name + "_count", labels, count);
        Sample(text, name + "_sum", labels, sum);
    }

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        // prometheus_client prints floats with Python repr, so integers carry ".0".
        var formatted = value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? value.ToString("0.0", CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);
        text.Append(name).Append('{').Append(labels).Append("} ").Append(formatted).Append('\n');
    }
}
