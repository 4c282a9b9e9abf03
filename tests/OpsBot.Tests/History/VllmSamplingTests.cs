using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using OpsBot.History;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;
using OpsBot.Tests.Ops;
using OpsBot.VllmSimulator;

namespace OpsBot.Tests.History;

public sealed class VllmSamplingTests
{
    [Fact]
    public async Task Every_metrics_read_by_the_vLLM_probe_reaches_history_with_the_generation_counter()
    {
        await using var vllm = await VllmSimulatorServer.StartAsync();
        using (var client = new HttpClient { BaseAddress = vllm.BaseUrl })
        {
            using var answer = await client.PostAsJsonAsync("/v1/chat/completions", new { model = vllm.ModelName, messages = new[] { new { role = "user", content = "2+2" } } });
            answer.EnsureSuccessStatusCode();
        }

        var observer = new VllmSampleObserver();
        await using var ops = new OpsTestServices(
            new Dictionary<string, string?> { ["Ops:Vllm:BaseUrl"] = vllm.BaseUrl.ToString() },
            extra: services => services.AddSingleton<IVllmMetricsObserver>(observer));
        ops.Containers.InspectAsync(Arg.Any<CancellationToken>()).Returns(ContainerObservation.NotConfigured);

        await ops.Get<VllmProbe>().ProbeAsync(CancellationToken.None);

        Assert.True(observer.Reader.TryRead(out var sample));
        Assert.True(sample.Metrics.GenerationTokensTotal > 0, $"{sample.Metrics}");
        Assert.NotNull(sample.Metrics.KvCacheUsage);
        Assert.False(observer.Reader.TryRead(out _));
    }

    [Fact]
    public void Throughput_is_the_counter_rate_between_consecutive_samples_and_skips_a_restart()
    {
        var writer = new VllmSampleWriter(new VllmSampleObserver(), null!, new ListLogger<VllmSampleWriter>());
        var at = TestDatabase.Start;

        var first = writer.ToSample(at, new VllmMetrics(1, 0, 0.1, 1000));
        var second = writer.ToSample(at.AddSeconds(20), new VllmMetrics(1, 0, 0.1, 1500));
        var withoutCounter = writer.ToSample(at.AddSeconds(30), new VllmMetrics(1, 0, 0.1, null));
        var afterRestart = writer.ToSample(at.AddSeconds(40), new VllmMetrics(0, 0, 0.0, 20));
        var next = writer.ToSample(at.AddSeconds(50), new VllmMetrics(0, 0, 0.0, 120));

        Assert.Equal((null, null), (first.GeneratedTokens, first.GenerationSeconds));
        Assert.Equal((500.0, 20.0), (second.GeneratedTokens!.Value, second.GenerationSeconds!.Value));
        Assert.Null(withoutCounter.GeneratedTokens);
        Assert.Null(afterRestart.GeneratedTokens);
        Assert.Equal((100.0, 10.0), (next.GeneratedTokens!.Value, next.GenerationSeconds!.Value));
    }
}
