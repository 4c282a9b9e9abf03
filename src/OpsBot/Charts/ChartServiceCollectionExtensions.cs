using Microsoft.Extensions.DependencyInjection.Extensions;
using OpsBot.Components;
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
        services.TryAddSingleton(TimeProvider.System);
        // A chart or digest setting that is wrong disables charts alone (component "charts"), never the start.
        var problems = services.AddComponentOptions(configuration, ChartOptions.SectionName, new ChartOptionsValidator(), ComponentNames.Charts, out ChartOptions _)
            .Concat(services.AddComponentOptions(configuration, DigestOptions.SectionName, new DigestOptionsValidator(), ComponentNames.Charts, out DigestOptions _))
            .ToList();
        if (problems.Count == 0)
        {
            services.TryAddSingleton<IChartService, ChartService>();
            services.TryAddSingleton<IDigestSink, LogOnlyDigestSink>();
            services.AddComponentService<DailyDigestService>(ComponentNames.Charts);
        }

        return services;
    }
}
