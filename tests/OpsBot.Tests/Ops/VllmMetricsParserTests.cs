using OpsBot.Ops.Probes;

namespace OpsBot.Tests.Ops;

public sealed class VllmMetricsParserTests
{
    // Excerpt of shared/reference/vllm/fixtures/metrics.txt (vLLM v0.15 /metrics).
    private const string Fixture = """
        # HELP vllm:num_requests_running Number of requests in model execution batches.
        # TYPE vllm:num_requests_running gauge
        vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 2.0
        # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
        # TYPE vllm:num_requests_waiting gauge
        vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 0.0
        # TYPE vllm:engine_sleep_state gauge
        vllm:engine_sleep_state{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8",sleep_state="awake"} 1.0
        # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
        # TYPE vllm:kv_cache_usage_perc gauge
        vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 0.1374
        # TYPE vllm:prefix_cache_queries_total counter
        vllm:prefix_cache_queries_total{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 1843211.0
        vllm:request_prompt_tokens_bucket{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8",le="+Inf"} 402.0
        """;

    [Fact]
    public void Reads_running_waiting_and_kv_cache_from_the_v015_fixture()
    {
        var metrics = VllmMetricsParser.Parse(Fixture);

        Assert.Equal(new VllmMetrics(2.0, 0.0, 0.1374), metrics);
    }

    [Fact]
    public void Sums_requests_over_engines_and_takes_the_fullest_kv_cache()
    {
        var metrics = VllmMetricsParser.Parse("""
            vllm:num_requests_running{engine="0",model_name="m"} 2
            vllm:num_requests_running{engine="1",model_name="m"} 3
            vllm:num_requests_waiting{engine="0",model_name="m"} 1e0
            vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.25
            vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.75 1732530000000
            """);

        Assert.Equal(new VllmMetrics(5, 1, 0.75), metrics);
    }

    [Fact]
    public void Label_values_with_spaces_and_braces_do_not_confuse_the_value()
    {
        var metrics = VllmMetricsParser.Parse("vllm:num_requests_waiting{model_name=\"a } b \\\" c\"} 7.0");

        Assert.Equal(7.0, metrics.RequestsWaiting);
    }

    [Fact]
    public void Missing_series_are_null_and_the_pre_012_cache_gauge_is_accepted()
    {
        var metrics = VllmMetricsParser.Parse("vllm:gpu_cache_usage_perc{engine=\"0\"} 0.5\nhttp_requests_total 12\n");

        Assert.Equal(new VllmMetrics(null, null, 0.5), metrics);
    }

    [Fact]
    public void Generated_tokens_are_the_counter_summed_over_engines()
    {
        var metrics = VllmMetricsParser.Parse("""
            # TYPE vllm:generation_tokens_total counter
            vllm:generation_tokens_total{engine="0",model_name="m"} 48213.0
            vllm:generation_tokens_total{engine="1",model_name="m"} 1787
            vllm:request_generation_tokens_sum{engine="0",model_name="m"} 99999
            """);

        Assert.Equal(50_000, metrics.GenerationTokensTotal);
    }
}
