using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Discord.Commands;
using OpsBot.Discord.Gateway;
using OpsBot.Discord.Interactions;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord;

public static class DiscordServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Discord bot (gateway, REST client, slash commands) bound to the <c>Discord</c> configuration section.
    /// Without <c>Discord:Token</c> only a one-line notice and a no-op <see cref="IDiscordMessageSender"/> are added.
    /// Command handlers resolve IStatusService, ILogTailService, IRestartService and ISmokeTestService from the container.
    /// </summary>
    public static IServiceCollection AddDiscordBot(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(DiscordOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);

        if (string.IsNullOrWhiteSpace(section[nameof(DiscordOptions.Token)]))
        {
            services.AddHostedService<DiscordBotDisabledNotice>();
            services.TryAddSingleton<IDiscordMessageSender, DisabledDiscordMessageSender>();
            return services;
        }

        services.AddOptions<DiscordOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>());

        services.AddHttpClient(DiscordRestClient.HttpClientName, (sp, client) =>
            {
                client.Timeout = sp.GetRequiredService<IOptions<DiscordOptions>>().Value.RestTimeout;
            })
            // The default handlers log full request URLs, and interaction URLs contain interaction tokens.
            .RemoveAllLoggers();

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
                .AddModule<HistoryModule>();
        });
        services.TryAddSingleton<InteractionDeduplicator>();
        services.TryAddSingleton<RestartConfirmations>();
        services.TryAddSingleton<RestartCooldowns>();
        services.TryAddSingleton<IDiscordEventHandler, DiscordInteractionHandler>();

        services.AddHostedService<DiscordStartupCheck>();
        services.TryAddSingleton<DiscordGatewayClient>();
        services.AddHostedService(sp => sp.GetRequiredService<DiscordGatewayClient>());
        return services;
    }
}
