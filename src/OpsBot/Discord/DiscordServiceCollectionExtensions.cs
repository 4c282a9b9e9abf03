using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Cli;
using OpsBot.Components;
using OpsBot.Discord.Commands;
using OpsBot.Discord.Gateway;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;
using OpsBot.Operations;

namespace OpsBot.Discord;

public static class DiscordServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Discord bot (gateway, REST client, slash commands) bound to the <c>Discord</c> configuration section.
    /// Without <c>Discord:Token</c> only a one-line notice and a no-op <see cref="IDiscordMessageSender"/> are added; with a token
    /// and an invalid rest of the section the bot is disabled (<see cref="ComponentStates"/>) and nothing of it starts.
    /// Command handlers call <see cref="IOpsOperations"/> (added here if missing), IRestartService and IAlertSilenceService.
    /// </summary>
    public static IServiceCollection AddDiscordBot(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(DiscordOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        var states = services.GetComponentStates();
        if (string.IsNullOrWhiteSpace(section[nameof(DiscordOptions.Token)]))
        {
            states.SwitchOff(ComponentNames.Discord, $"no {DiscordOptions.SectionName}:{nameof(DiscordOptions.Token)} configured");
            services.AddHostedService<DiscordBotDisabledNotice>();
            services.TryAddSingleton<IDiscordMessageSender, DisabledDiscordMessageSender>();
            return services;
        }

        // A token with a broken rest of the section disables the bot (one error line, shown in /health and check-config);
        // the proxy, monitors and alerts (to the log) run on.
        if (services.AddComponentOptions(configuration, DiscordOptions.SectionName, new DiscordOptionsValidator(), ComponentNames.Discord, out DiscordOptions _).Count > 0)
        {
            services.TryAddSingleton<IDiscordMessageSender, DisabledDiscordMessageSender>();
            return services;
        }

        states.Report(ComponentNames.Discord, ComponentState.Starting, "connecting to Discord");

        services.AddHttpClient(DiscordRestClient.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<DiscordOptions>>().Value.RestTimeout;
            })
            // The default handlers log full request URLs, and interaction URLs contain interaction tokens.
            .RemoveAllLoggers();

        services.AddOpsOperations();
        services.TryAddSingleton<PlainTextRenderer>();
        services.TryAddSingleton<DiscordConnectivity>();
        services.TryAddSingleton<DiscordRateLimiter>();
        services.TryAddSingleton<IDiscordRestClient, DiscordRestClient>();
        services.TryAddSingleton<IDiscordMessageSender, DiscordMessageSender>();

        services.TryAddSingleton(sp =>
        {
            var interactions = new InteractionService(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InteractionService>>())
            {
                AutoDeferAfter = sp.GetRequiredService<IOptions<DiscordOptions>>().Value.AutoDeferAfter,
            };
            return interactions
                .AddModule<StatusModule>()
                .AddModule<LogsModule>()
                .AddModule<RestartModule>()
                .AddModule<SmokeModule>()
                .AddModule<SilenceModule>()
                .AddModule<HistoryModule>()
                .AddModule<ChartModule>();
        });
        services.TryAddSingleton<InteractionDeduplicator>();
        services.TryAddSingleton<RestartConfirmations>();
        services.TryAddSingleton<RestartCooldowns>();
        services.TryAddSingleton<IDiscordEventHandler, DiscordInteractionHandler>();

        services.AddComponentService<DiscordStartupCheck>(ComponentNames.Discord);
        services.TryAddSingleton<DiscordGatewayClient>();
        services.AddComponentService<DiscordGatewayClient>(ComponentNames.Discord);
        return services;
    }
}
