using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpsBot.Hosting;
using OpsBot.VllmSimulator;

namespace OpsBot.IntegrationTests.Infrastructure;

/// <summary>The whole host's services (proxy, ops, alerts, history, a disabled bot) as OpsBot runs them, in front of the vLLM simulator on 127.0.0.1.</summary>
public static class RealProxyHost
{
    public static async Task<IHost> StartAsync(VllmSimulatorServer vllm, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var configuration = new Dictionary<string, string?>
        {
            ["Proxy:VllmUrl"] = vllm.BaseUrl.ToString(),
            ["Proxy:Host"] = "127.0.0.1",
            ["Proxy:Port"] = "0",
            ["Ops:Vllm:BaseUrl"] = vllm.BaseUrl.ToString(),
            ["Ops:Monitor:Enabled"] = "false",
            ["Ops:Restart:Cooldown"] = "00:00:00",
            ["History:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"opsbot-ops-{Guid.NewGuid():N}.db"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        OpsBotHost.AddServices(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
