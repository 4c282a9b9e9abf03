using OpsBot.ProxyCore.Tests.Infrastructure;
using OpsBot.VllmSimulator;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_requests_tokens_empty_answers_and_latency_in_prometheus_text()
    {
        await using var harness = await ProxyHarness.StartBufferedAsync();
        harness.Simulator.Enqueue(SimulatedAnswer.Text("4", completionTokens: 1), SimulatedAnswer.Empty(), SimulatedAnswer.Empty());

        for (var i = 0; i < 2; i++)
        {
            using var response = await harness.Http.PostAsync("/v1/chat/completions", ChatBodies.Content(ChatBodies.Create(stream: true, "exec")));
            await response.Content.ReadAsStringAsync();
        }

        await harness.Completions.NextAsync(1);
        using var metrics = await harness.Http.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();

        Assert.StartsWith("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        Assert.Contains("opsbot_proxy_chat_requests_total{path=\"Rewrapped\",outcome=\"ok\",stream=\"true\"} 1", text);
        Assert.Contains("opsbot_proxy_chat_requests_total{path=\"Rewrapped\",outcome=\"empty\",stream=\"true\"} 1", text);
        Assert.Contains("opsbot_proxy_empty_answers_total 1", text);
        Assert.Contains("opsbot_proxy_tokens_total{kind=\"completion\"} 1", text);
        Assert.Contains("opsbot_proxy_request_duration_seconds_count{path=\"Rewrapped\"} 2", text);
        Assert.Contains("opsbot_proxy_upstream_up 1", text);
    }
}
