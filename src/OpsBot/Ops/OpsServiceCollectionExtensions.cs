using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

        AddValidatedOptions<VllmOpsOptions, VllmOpsOptionsValidator>(services, configuration, VllmOpsOptions.SectionName);
        AddValidatedOptions<DockerOpsOptions, DockerOpsOptionsValidator>(services, configuration, DockerOpsOptions.SectionName);
        AddValidatedOptions<GatewayOpsOptions, GatewayOpsOptionsValidator>(services, configuration, GatewayOpsOptions.SectionName);
        AddValidatedOptions<ProxyOpsOptions, ProxyOpsOptionsValidator>(services, configuration, ProxyOpsOptions.SectionName);
        AddValidatedOptions<MonitorOptions, MonitorOptionsValidator>(services, configuration, MonitorOptions.SectionName);
        AddValidatedOptions<RestartOptions, RestartOptionsValidator>(services, configuration, RestartOptions.SectionName);

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
        services.AddHostedService<StackMonitor>();

        services.TryAddSingleton<ProxyLogBuffer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, ProxyLogBuffer>(sp => sp.GetRequiredService<ProxyLogBuffer>()));
        services.TryAddSingleton<LogTailService>();
        services.TryAddSingleton<ILogTailService>(sp => sp.GetRequiredService<LogTailService>());
        services.TryAddSingleton<IGatewayLogFileTail>(sp => sp.GetRequiredService<LogTailService>());

        services.TryAddSingleton<IRestartAuditLog, InMemoryRestartAuditLog>();
        services.TryAddSingleton<IRestartService, RestartService>();
        services.TryAddSingleton<ISmokeTestService, SmokeTestService>();
        return services;
    }

    private static void AddValidatedOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
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

            if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
            {
                var userInfo = Uri.UnescapeDataString(uri.UserInfo);
                yield return userInfo;
                if (userInfo.IndexOf(':') is var colon and >= 0)
                {
                    yield return userInfo[(colon + 1)..];
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
