using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.ProxyCore.Events;
using OpsBot.Tests.Discord;
using OpsBot.VllmSimulator;

namespace OpsBot.Tests.Hosting;

public sealed class ProxyListenerTests
{
    private static async Task<(IHost Host, VllmSimulatorServer Simulator)> StartAsync()
    {
        var simulator = await VllmSimulatorServer.StartAsync();
        var builder = OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", simulator.BaseUrl.ToString().TrimEnd('/'),
            "--History:DatabasePath", Path.Combine(Path.GetTempPath(), $"opsbot-listener-{Guid.NewGuid():N}.db"), "--Ops:Monitor:Enabled", "false"]);
        var host = builder.Build();
        await host.StartAsync();
        return (host, simulator);
    }

    [Fact]
    public async Task Python_proxy_flags_configure_the_listener()
    {
        var (host, simulator) = await StartAsync();
        await using var _ = simulator;
        using var __ = host;
        var listener = host.Services.GetRequiredService<IProxyListener>();
        using var http = new HttpClient { BaseAddress = listener.LocalAddress };

        var health = await http.GetFromJsonAsync<JsonElement>("/health");

        Assert.True(listener.IsRunning);
        Assert.Equal("127.0.0.1", listener.LocalAddress!.Host);
        Assert.Equal(simulator.BaseUrl.ToString().TrimEnd('/'), health.GetProperty("vllm_url").GetString());
        await host.StopAsync();
    }

    [Fact]
    public async Task Restarting_the_listener_keeps_serving_and_keeps_the_counters()
    {
        var (host, simulator) = await StartAsync();
        await using var _ = simulator;
        using var __ = host;
        var listener = host.Services.GetRequiredService<IProxyListener>();
        var statistics = host.Services.GetRequiredService<IProxyStatistics>();

        await PostAsync(listener.LocalAddress!);
        await listener.RestartAsync(CancellationToken.None);
        await PostAsync(listener.LocalAddress!);

        // The completion event is published just after the last byte went out.
        await OpsBot.TestSupport.Eventually.HoldsAsync(() => statistics.GetSnapshot().TotalRequests >= 2, "both completions were counted");

        Assert.True(listener.IsRunning);
        Assert.Equal(2, statistics.GetSnapshot().TotalRequests);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_listening_line_names_the_bound_address_and_shows_neither_the_url_password_nor_the_keys()
    {
        await using var simulator = await VllmSimulatorServer.StartAsync();
        var logs = new LogCapture();
        var vllm = new UriBuilder(simulator.BaseUrl) { UserName = "ops", Password = "url-pass-0001" }.Uri.ToString().TrimEnd('/');
        var builder = OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--vllm-url", vllm, "--Proxy:ApiKeys:0", "proxy-key-0123456789",
            "--History:DatabasePath", Path.Combine(Path.GetTempPath(), $"opsbot-listener-{Guid.NewGuid():N}.db"), "--Ops:Monitor:Enabled", "false"]);
        builder.Logging.AddProvider(logs);
        using var host = builder.Build();
        await host.StartAsync();

        var line = await logs.WaitForAsync(l => l.Message.StartsWith("Proxy listening on", StringComparison.Ordinal));
        var address = host.Services.GetRequiredService<IProxyListener>().LocalAddress!;
        using var http = new HttpClient { BaseAddress = address };
        var health = await http.GetStringAsync("/health");
        await host.StopAsync();

        Assert.StartsWith($"Proxy listening on http://127.0.0.1:{address.Port}", line.Message);
        Assert.Contains("http://***@127.0.0.1:", line.Message);
        Assert.Contains("API key required (1 key(s))", line.Message);
        Assert.Contains("http://***@127.0.0.1:", health);
        Assert.All(logs.Entries, e => Assert.DoesNotContain("url-pass-0001", e.ToString()));
        Assert.All(logs.Entries, e => Assert.DoesNotContain("proxy-key-0123456789", e.ToString()));
    }

    private static async Task PostAsync(Uri proxy)
    {
        using var http = new HttpClient { BaseAddress = proxy };
        using var response = await http.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"Qwen/Qwen3-Coder-Next-FP8","messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
