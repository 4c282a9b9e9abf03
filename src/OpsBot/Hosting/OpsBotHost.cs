using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsBot.Admin;
using OpsBot.Alerts;
using OpsBot.Charts;
using OpsBot.Cli;
using OpsBot.Discord;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Restarts;
using OpsBot.Wiring;
using OpsBot.ProxyCore.Events;
using OpsBot.ProxyCore.Metrics;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Hosting;

/// <summary>Composition root: one place that wires the proxy, monitors and bot into a generic host.</summary>
public static class OpsBotHost
{
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
        AddServices(builder.Services, builder.Configuration);
        return builder;
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ProxyOptions>().Bind(configuration.GetSection(ProxyOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<ProxyOptions>, ProxyOptionsValidator>());
        services.AddSingleton<ProxyStatistics>();
        services.AddSingleton<IProxyStatistics>(sp => sp.GetRequiredService<ProxyStatistics>());
        services.AddSingleton<ICompletionObserver>(sp => sp.GetRequiredService<ProxyStatistics>());
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<ICompletionObserver>(sp => sp.GetRequiredService<ProxyMetrics>());
        services.AddSingleton<CompletionEventPublisher>();
        services.AddSingleton<ProxyListener>();
        services.AddSingleton<IProxyListener>(sp => sp.GetRequiredService<ProxyListener>());
        services.AddHostedService(sp => sp.GetRequiredService<ProxyListener>());

        services.AddOps(configuration);
        services.AddAlerts(configuration);
        services.AddCharts(configuration);
        services.AddOpsCommands();
        services.AddDiscordBot(configuration);
        services.AddAdmin(configuration);
        AddAdapters(services, configuration);
    }

    /// <summary>The seams between capabilities built apart: alerts and the daily digest go to Discord; alerts read the monitors, the gateway journal and history.</summary>
    private static void AddAdapters(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IRestartAuditLog, HistoryRestartAuditLog>();
        services.AddSingleton<RestartService>();
        services.AddSingleton<IRestartService, MaintenanceRestartService>();
        services.AddSingleton<IHealthTransitionSource, MonitorTransitionSource>();
        if (!string.IsNullOrWhiteSpace(configuration[$"{GatewayOpsOptions.SectionName}:Host"]))
        {
            services.AddSingleton<IGatewayLogSource, GatewayJournalSource>();
        }

        if (!string.IsNullOrWhiteSpace(configuration[$"{DiscordOptions.SectionName}:{nameof(DiscordOptions.Token)}"]))
        {
            // Without Discord the default sink logs alerts; with it they are posted (and queued while Discord is away).
            services.AddSingleton<IAlertSink, DiscordAlertSink>();
            services.AddSingleton<IDigestSink, DiscordDigestSink>();
        }
    }
}
