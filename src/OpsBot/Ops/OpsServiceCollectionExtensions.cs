using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Components;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Logs;
using OpsBot.Ops.Monitoring;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Restarts;
using OpsBot.Ops.Security;
using OpsBot.Ops.SmokeTests;
using OpsBot.Ops.Ssh;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Ops;

public static class OpsServiceCollectionExtensions
{
    private static readonly string[] SecretKeySuffixes = ["token", "apikey", "api_key", "secret", "password", "passphrase"];

    /// <summary>
    /// Status, logs, restarts, smoke tests and the monitor. Expects <see cref="IProxyListener"/> and
    /// <c>IProxyStatistics</c> to be registered by the proxy. Also registers <see cref="ProxyLogBuffer"/>
    /// as a logger provider so ProxyCore's log lines are kept for /logs proxy.
    /// </summary>
    public static IServiceCollection AddOps(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var states = services.GetComponentStates();

        // Each section is checked here, once: an invalid one disables its component (its options stay at the defaults,
        // which mean "not configured") and the rest of Ops runs. Nothing in Ops can stop the proxy from starting.
        var vllmProblems = services.AddComponentOptions(configuration, VllmOpsOptions.SectionName, new VllmOpsOptionsValidator(), ComponentNames.VllmContainer, out VllmOpsOptions vllm);
        var dockerProblems = services.AddComponentOptions(configuration, DockerOpsOptions.SectionName, new DockerOpsOptionsValidator(), ComponentNames.VllmContainer, out DockerOpsOptions _);
        if (dockerProblems.Count > 0)
        {
            // The container part must not run on half of its settings (a good name with a bad Docker endpoint).
            services.Configure<VllmOpsOptions>(o => o.ContainerName = null);
        }
        else if (vllmProblems.Count == 0 && !vllm.ContainerConfigured)
        {
            states.SwitchOff(ComponentNames.VllmContainer, $"no {VllmOpsOptions.SectionName}:ContainerName configured");
        }

        // One source of truth for vLLM's address: unless Ops:Vllm:BaseUrl says otherwise, the monitor probes where the proxy forwards.
        if (vllmProblems.Count > 0 || string.IsNullOrWhiteSpace(configuration[$"{VllmOpsOptions.SectionName}:{nameof(VllmOpsOptions.BaseUrl)}"]))
        {
            services.AddOptions<VllmOpsOptions>().Configure<IOptions<ProxyOptions>>((o, proxy) => o.BaseUrl = ProxyVllmUrl(proxy) ?? o.BaseUrl);
        }

        var gatewayProblems = services.AddComponentOptions(configuration, GatewayOpsOptions.SectionName, new GatewayOpsOptionsValidator(), ComponentNames.GatewaySsh, out GatewayOpsOptions gateway);
        if (gatewayProblems.Count == 0 && !gateway.IsConfigured)
        {
            states.SwitchOff(ComponentNames.GatewaySsh, $"no {GatewayOpsOptions.SectionName}:Host configured");
        }

        services.AddComponentOptions(configuration, ProxyOpsOptions.SectionName, new ProxyOpsOptionsValidator(), ComponentNames.Ops, out ProxyOpsOptions _);
        services.AddComponentOptions(configuration, RestartOptions.SectionName, new RestartOptionsValidator(), ComponentNames.Ops, out RestartOptions _);

        var monitorProblems = services.AddComponentOptions(configuration, MonitorOptions.SectionName, new MonitorOptionsValidator(), ComponentNames.Monitor, out MonitorOptions monitor);
        if (monitorProblems.Count == 0 && !monitor.Enabled)
        {
            states.SwitchOff(ComponentNames.Monitor, $"{MonitorOptions.SectionName}:Enabled is false");
        }

        services.AddHttpClient(OpsHttpClients.Vllm, client => client.Timeout = TimeSpan.FromSeconds(10));

        services.AddHttpClient(OpsHttpClients.Proxy, (provider, client) =>
        {
            // Streaming smoke tests run longer than any sensible fixed timeout; callers pass deadlines.
            client.Timeout = Timeout.InfiniteTimeSpan;
            // OpsBot's own calls through the proxy (smoke test, restart check) pass its key check like any client.
            if (provider.GetService<IOptions<ProxyOptions>>()?.Value.ApiKeys is [var key, ..])
            {
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            }
        });

        services.TryAddSingleton(_ => new SecretRedactor(KnownSecrets(configuration)));
        services.TryAddSingleton<ISshCommandRunner, SshCommandRunner>();
        services.TryAddSingleton<IContainerEngine, DockerContainerEngine>();
        services.TryAddSingleton<ITcpPortProbe, TcpPortProbe>();

        services.TryAddSingleton<VllmProbe>();
        services.TryAddSingleton<GatewayProbe>();
        services.TryAddSingleton<ProxyProbe>();
        services.AddSingleton<IServiceProbe>(sp => sp.GetRequiredService<VllmProbe>());
        services.AddSingleton<IServiceProbe>(sp => sp.GetRequiredService<ProxyProbe>());
        services.AddSingleton<IServiceProbe>(sp => sp.GetRequiredService<GatewayProbe>());

        services.TryAddSingleton<StackProber>();
        services.TryAddSingleton<HealthHistory>();
        services.TryAddSingleton<IHealthHistory>(sp => sp.GetRequiredService<HealthHistory>());
        services.TryAddSingleton<StatusService>();
        services.TryAddSingleton<IStatusService>(sp => sp.GetRequiredService<StatusService>());
        services.TryAddSingleton<StackMonitor>();
        if (states.IsEnabled(ComponentNames.Monitor))
        {
            services.AddComponentService<StackMonitor>(ComponentNames.Monitor);
        }

        services.TryAddSingleton<ProxyLogBuffer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, ProxyLogBuffer>(sp => sp.GetRequiredService<ProxyLogBuffer>()));
        services.TryAddSingleton<LogTailService>();
        services.TryAddSingleton<ILogTailService>(sp => sp.GetRequiredService<LogTailService>());
        services.TryAddSingleton<IGatewayLogFileTail>(sp => sp.GetRequiredService<LogTailService>());

        services.TryAddSingleton<IRestartAuditLog, InMemoryRestartAuditLog>();
        if (states.IsEnabled(ComponentNames.Ops))
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceRestarter, GatewayRestarter>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceRestarter, VllmRestarter>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceRestarter, ProxyRestarter>());
            services.TryAddSingleton<IRestartService, RestartService>();
            services.TryAddSingleton<ISmokeTestService, SmokeTestService>();
        }
        else
        {
            var refusal = new DisabledOpsActions(states.Get(ComponentNames.Ops).Reason!);
            services.AddSingleton<IRestartService>(refusal);
            services.AddSingleton<ISmokeTestService>(refusal);
        }

        return services;
    }

    private static Uri? ProxyVllmUrl(IOptions<ProxyOptions> proxy)
    {
        // An invalid Proxy:VllmUrl stops the start before anything asks; never let it throw here. With several backends
        // the container Ops:Vllm manages is the first one's, unless Ops:Vllm:BaseUrl says otherwise.
        var first = proxy.Value.VllmUrls.FirstOrDefault() ?? "";
        return Uri.TryCreate(first.TrimEnd('/') + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null;
    }

    /// <summary>
    /// Every configured value whose key names a secret (…Token, …ApiKey, …Secret, …Password, an entry of
    /// <c>Proxy:ApiKeys</c>), the openclaw environment values, and the user info of any configured URL
    /// (<c>--vllm-url http://user:pass@host</c>), so the redactor masks them literally wherever they appear.
    /// </summary>
    internal static IEnumerable<string> KnownSecrets(IConfiguration configuration)
    {
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            // A password in a URL (http://user:secret@vllm:8000) must not show in status or log output either; --vllm-url
            // may list several URLs separated by commas.
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Uri.TryCreate(part, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
                {
                    foreach (var userInfo in new[] { uri.UserInfo, Uri.UnescapeDataString(uri.UserInfo) }.Distinct())
                    {
                        yield return userInfo;
                        if (userInfo.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && colon + 1 < userInfo.Length)
                        {
                            yield return userInfo[(colon + 1)..];
                        }
                    }
                }
            }

            var leaf = key[(key.LastIndexOf(':') + 1)..];
            // An array entry's leaf is its index: Proxy:ApiKeys:0.
            var parent = key.LastIndexOf(':') is var last and > 0 ? key[(key.LastIndexOf(':', last - 1) + 1)..last] : "";
            var isSecretKey = SecretKeySuffixes.Any(s => leaf.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                || (int.TryParse(leaf, out _) && SecretKeySuffixes.Any(s => parent.TrimEnd('s', 'S').EndsWith(s, StringComparison.OrdinalIgnoreCase)));
            var isOpenClawEnvironment = key.StartsWith($"{GatewayOpsOptions.SectionName}:{nameof(GatewayOpsOptions.OpenClawEnvironment)}:", StringComparison.OrdinalIgnoreCase);
            if (isSecretKey || isOpenClawEnvironment)
            {
                yield return value;
            }
        }
    }
}
