using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsBot.Admin;
using OpsBot.Alerts;
using OpsBot.Charts;
using OpsBot.Cli;
using OpsBot.Components;
using OpsBot.Discord;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Restarts;
using OpsBot.Ops.Security;
using OpsBot.Ops.Ssh;
using OpsBot.Wiring;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Hosting;

/// <summary>Composition root: one place that wires the proxy, monitors and bot into a generic host.</summary>
public static class OpsBotHost
{
    /// <summary>How long a stop may take in all: SIGTERM to exit stays under 5 s (the proxy drains for <see cref="ProxyListener.DrainTime"/>).</summary>
    public static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(4.5);

    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ApplicationName = "OpsBot",
            // appsettings.json sits next to the binary; systemd starts us from another directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Flags win over appsettings and environment, as in any CLI.
        builder.Configuration.AddCommandLine(args, CommandLine.SwitchMappings);
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(host =>
        {
            // Components run under ComponentSupervisor; should anything else throw, it must still not take the proxy down.
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore;
            // systemd's stop, a restart: in-flight requests get ProxyListener's drain, then everything else its share.
            host.ShutdownTimeout = ShutdownTimeout;
        });
        AddServices(builder.Services, builder.Configuration);
        return builder;
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        // Proxy:* is checked before the host is built (ConfigurationErrors.CheckProxy, exit 2); the proxy's own app validates it again when it starts.
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName));
        // Completion events, their observers and counters live here and outlive the listener's inner app, which takes them over (ProxyListener).
        services.AddOpsBotProxyShared();
        services.AddSingleton<ProxyListener>();
        services.AddSingleton<IProxyListener>(sp => sp.GetRequiredService<ProxyListener>());
        // First hosted service: the proxy listens before any component starts, and components start without delaying it.
        services.AddHostedService(sp => sp.GetRequiredService<ProxyListener>());
        services.AddSingleton<IHealthFieldSource, ComponentsHealthField>();
        // Components are built once the proxy has answered its first request (or a second after it listens): start-up CPU goes to the proxy first.
        services.TryAddSingleton<ComponentStartGate>();
        var states = services.GetComponentStates();
        if (OpsBotRoles.Of(configuration) == OpsBotRole.Proxy)
        {
            // One of several proxies: the bot, alerts, monitors and history run in the one instance with OpsBot:Role all.
            foreach (var component in ComponentNames.All)
            {
                states.SwitchOff(component, $"{OpsBotRoles.Key} is proxy: runs in the OpsBot instance with {OpsBotRoles.Key} all");
            }

            return;
        }

        services.AddOps(configuration);
        services.AddAlerts(configuration);
        services.AddCharts(configuration);
        services.AddOpsOperations();
        services.AddDiscordBot(configuration);
        services.AddAdmin(configuration);
        AddAdapters(services, configuration, states);
    }

    /// <summary>The seams between capabilities built apart: alerts and the daily digest go to Discord; alerts read the monitors, the gateway journal and history.</summary>
    private static void AddAdapters(IServiceCollection services, IConfiguration configuration, ComponentStates states)
    {
        services.AddSingleton<IRestartAuditLog>(sp => sp.GetRequiredService<RestartAuditStore>());
        if (states.IsEnabled(ComponentNames.Ops))
        {
            services.AddSingleton<RestartService>();
            services.AddSingleton<IRestartService, MaintenanceRestartService>();
        }

        services.AddSingleton<IHealthTransitionSource, MonitorTransitionSource>();
        if (states.IsEnabled(ComponentNames.GatewaySsh))
        {
            // One journal per gateway target, each over that target's SSH runner (AddOps keys one per target name, in
            // configuration order; the first is the unkeyed runner).
            var gateways = services.Where(d => d.ServiceType == typeof(ISshCommandRunner) && d.IsKeyedService).Select(d => (string)d.ServiceKey!).Distinct().ToList();
            foreach (var name in gateways)
            {
                services.AddSingleton<IGatewayLogSource>(sp => new GatewayJournalSource(
                    sp.GetRequiredKeyedService<ISshCommandRunner>(name), sp.GetRequiredService<SecretRedactor>(), sp.GetRequiredService<OpsTargets>().Gateways.First(g => g.Name == name)));
            }
        }

        if (states.IsEnabled(ComponentNames.Discord) && !string.IsNullOrWhiteSpace(configuration[$"{DiscordOptions.SectionName}:{nameof(DiscordOptions.AlertChannelId)}"]))
        {
            // Without Discord (or an alert channel) the default sink logs alerts; with it they are posted (and queued while Discord is away).
            services.AddSingleton<IAlertSink>(sp => new DiscordAlertSink(sp));
            services.AddSingleton<IDiscordBacklog, AlertBacklog>();
            services.AddSingleton<IDigestSink, DiscordDigestSink>();
        }
    }
}
