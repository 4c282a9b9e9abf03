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
        var (vllmTargets, vllmProblems) = services.AddTargetOptions(
            configuration, VllmOpsOptions.SectionName, VllmOpsOptions.ListSectionName, p => new VllmOpsOptionsValidator(p), null, ComponentNames.VllmContainer);
        var dockerProblems = services.AddComponentOptions(configuration, DockerOpsOptions.SectionName, new DockerOpsOptionsValidator(), ComponentNames.VllmContainer, out DockerOpsOptions _);
        if (dockerProblems.Count > 0)
        {
            // The container part must not run on half of its settings (a good name with a bad Docker endpoint).
            services.Configure<VllmOpsOptions>(o => o.ContainerName = null);
            foreach (var target in vllmTargets)
            {
                target.Options.ContainerName = null;
            }
        }
        else if (vllmProblems.Count == 0 && !vllmTargets.Any(t => t.Options.ContainerConfigured))
        {
            states.SwitchOff(ComponentNames.VllmContainer, $"no {VllmOpsOptions.SectionName}:ContainerName configured");
        }

        // One source of truth for vLLM's address: unless a target's BaseUrl says otherwise, the monitor probes where the proxy forwards.
        var defaultedUrls = vllmTargets.Select(t => vllmProblems.Count > 0 || string.IsNullOrWhiteSpace(configuration[$"{t.Path}:{nameof(VllmOpsOptions.BaseUrl)}"])).ToList();
        if (defaultedUrls[0])
        {
            services.AddOptions<VllmOpsOptions>().Configure<IOptions<ProxyOptions>>((o, proxy) => o.BaseUrl = ProxyVllmUrl(proxy) ?? o.BaseUrl);
        }

        var (gatewayTargets, gatewayProblems) = services.AddTargetOptions(
            configuration, GatewayOpsOptions.SectionName, GatewayOpsOptions.ListSectionName, p => new GatewayOpsOptionsValidator(p), nameof(GatewayOpsOptions.Host), ComponentNames.GatewaySsh);
        if (gatewayProblems.Count == 0 && !gatewayTargets[0].Options.IsConfigured)
        {
            states.SwitchOff(ComponentNames.GatewaySsh, $"no {GatewayOpsOptions.SectionName}:Host configured");
        }

        services.TryAddSingleton(sp =>
        {
            var proxyUrl = sp.GetService<IOptions<ProxyOptions>>() is { } proxy ? ProxyVllmUrl(proxy) : null;
            foreach (var (target, defaulted) in vllmTargets.Zip(defaultedUrls))
            {
                target.Options.BaseUrl = defaulted && proxyUrl is not null ? proxyUrl : target.Options.BaseUrl;
            }

            return new OpsTargets([.. gatewayTargets.Select(t => t.Options)], [.. vllmTargets.Select(t => t.Options)]);
        });

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
        // The monitor watches every target: the first of each is the singleton above, the others their keyed probes, in
        // configuration order.
        foreach (var name in vllmTargets.Skip(1).Select(t => t.Options.Name))
        {
            services.AddSingleton<IServiceProbe>(sp => sp.GetRequiredKeyedService<VllmProbe>(name));
        }

        foreach (var name in gatewayTargets.Skip(1).Select(t => t.Options.Name))
        {
            services.AddSingleton<IServiceProbe>(sp => sp.GetRequiredKeyedService<GatewayProbe>(name));
        }

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

        services.AddTargetParts(gatewayTargets, vllmTargets);

        services.TryAddSingleton<IRestartAuditLog, InMemoryRestartAuditLog>();
        if (states.IsEnabled(ComponentNames.Ops))
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceRestarter, GatewayRestarter>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceRestarter, VllmRestarter>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceRestarter, ProxyRestarter>());
            // The first gateway and vLLM are the singletons above; every further target gets its own restarter.
            foreach (var name in gatewayTargets.Skip(1).Select(t => t.Options.Name))
            {
                services.AddSingleton<IServiceRestarter>(sp => new GatewayRestarter(
                    sp.GetRequiredKeyedService<ISshCommandRunner>(name), sp.GetRequiredKeyedService<GatewayProbe>(name), Options.Create(Target(sp.GetRequiredService<OpsTargets>().Gateways, name))));
            }

            foreach (var name in vllmTargets.Skip(1).Select(t => t.Options.Name))
            {
                services.AddSingleton<IServiceRestarter>(sp => new VllmRestarter(
                    sp.GetRequiredKeyedService<IContainerEngine>(name), sp.GetRequiredKeyedService<VllmProbe>(name), Options.Create(Target(sp.GetRequiredService<OpsTargets>().Vllm, name))));
            }

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

    /// <summary>
    /// Per target, keyed by its name, the parts that talk to it: its SSH runner and gateway probe, its container engine and
    /// vLLM probe. The first target's are the unkeyed singletons (which tests may substitute); the others are built here.
    /// </summary>
    private static void AddTargetParts(this IServiceCollection services, IReadOnlyList<BoundTarget<GatewayOpsOptions>> gateways, IReadOnlyList<BoundTarget<VllmOpsOptions>> vllm)
    {
        foreach (var (target, index) in gateways.Select((t, i) => (t.Options, i)))
        {
            var name = target.Name;
            services.TryAddKeyedSingleton<ISshCommandRunner>(name, (sp, _) => index == 0
                ? sp.GetRequiredService<ISshCommandRunner>()
                : SshCommandRunner.For(Target(sp.GetRequiredService<OpsTargets>().Gateways, name), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SshCommandRunner>>()));
            services.TryAddKeyedSingleton<GatewayProbe>(name, (sp, _) => index == 0
                ? sp.GetRequiredService<GatewayProbe>()
                : new GatewayProbe(sp.GetRequiredKeyedService<ISshCommandRunner>(name), sp.GetRequiredService<ITcpPortProbe>(), sp.GetRequiredService<SecretRedactor>(),
                    Options.Create(Target(sp.GetRequiredService<OpsTargets>().Gateways, name))));
        }

        foreach (var (target, index) in vllm.Select((t, i) => (t.Options, i)))
        {
            var name = target.Name;
            services.TryAddKeyedSingleton<IContainerEngine>(name, (sp, _) => index == 0
                ? sp.GetRequiredService<IContainerEngine>()
                : new DockerContainerEngine(Options.Create(Target(sp.GetRequiredService<OpsTargets>().Vllm, name)), sp.GetRequiredService<IOptions<DockerOpsOptions>>(),
                    sp.GetRequiredService<ILogger<DockerContainerEngine>>()));
            // Only the first vLLM feeds the metrics history (charts, digest); the others are probed for their state.
            services.TryAddKeyedSingleton<VllmProbe>(name, (sp, _) => index == 0
                ? sp.GetRequiredService<VllmProbe>()
                : new VllmProbe(sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredKeyedService<IContainerEngine>(name),
                    Options.Create(Target(sp.GetRequiredService<OpsTargets>().Vllm, name)), sp.GetRequiredService<TimeProvider>()));
        }
    }

    private static T Target<T>(IReadOnlyList<T> targets, string name)
        where T : IOpsTarget => targets.First(t => t.Name == name);

    /// <summary>
    /// Like <see cref="ComponentServiceCollectionExtensions.AddComponentOptions"/> for a section of named targets
    /// (<see cref="OpsTargetBinder"/>): problems disable <paramref name="component"/>; the first target is what
    /// <c>IOptions&lt;T&gt;</c> resolves to, so single-target code works unchanged.
    /// </summary>
    private static (IReadOnlyList<BoundTarget<T>> Targets, IReadOnlyList<string> Problems) AddTargetOptions<T>(
        this IServiceCollection services, IConfiguration configuration, string flatSection, string listSection,
        Func<string, IValidateOptions<T>> validator, string? requiredKey, string component)
        where T : class, IOpsTarget, new()
    {
        var (targets, problems) = OpsTargetBinder.Bind(configuration, flatSection, listSection, validator, requiredKey);
        var redactor = new SecretRedactor(KnownSecrets(configuration));
        problems = [.. problems.Select(redactor.Redact)];
        services.GetComponentStates().Disable(component, problems);
        var options = services.AddOptions<T>();
        if (problems.Count == 0)
        {
            var first = targets[0];
            options.Bind(configuration.GetSection(first.Path));
            options.Configure(o => o.Name = first.Options.Name);
        }

        return (targets, problems);
    }

    private static Uri? ProxyVllmUrl(IOptions<ProxyOptions> proxy)
    {
        // An invalid Proxy:VllmUrl stops the start before anything asks; never let it throw here. With several backends
        // the container Ops:Vllm manages is the first one's, unless Ops:Vllm:BaseUrl says otherwise.
        var first = proxy.Value.VllmUrls is [var one, ..] ? one : "";
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
            // Ops:Gateway:OpenClawEnvironment:X, or Ops:Gateways:1:OpenClawEnvironment:X in the list form.
            var isOpenClawEnvironment = key.StartsWith(GatewayOpsOptions.SectionName, StringComparison.OrdinalIgnoreCase)
                && key.Contains($":{nameof(GatewayOpsOptions.OpenClawEnvironment)}:", StringComparison.OrdinalIgnoreCase);
            if (isSecretKey || isOpenClawEnvironment)
            {
                yield return value;
            }
        }
    }
}
