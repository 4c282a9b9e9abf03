using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpsBot.History;

namespace OpsBot.Charts;

public static class ChartServiceCollectionExtensions
{
    /// <summary>
    /// Charts from history (section <c>Charts</c>) and the daily digest (section <c>Alerts:Digest</c>, off unless its
    /// time is set). The digest goes to <see cref="LogOnlyDigestSink"/> unless an <see cref="IDigestSink"/> is registered
    /// (Discord's, when the bot is configured).
    /// </summary>
    public static IServiceCollection AddCharts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHistory(configuration);
        services.AddOptions<ChartOptions>().Bind(configuration.GetSection(ChartOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChartOptions>, ChartOptionsValidator>());
        services.AddOptions<DigestOptions>().Bind(configuration.GetSection(DigestOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DigestOptions>, DigestOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IChartService, ChartService>();
        services.TryAddSingleton<IDigestSink, LogOnlyDigestSink>();
        services.AddHostedService<DailyDigestService>();

        return services;
    }
}
