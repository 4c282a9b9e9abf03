using OpsBot.Alerts;
using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Tests.History;

public sealed class AvailabilityCalculatorTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddHours(24);

    private static IncidentRecord Outage(StackService service, DateTimeOffset opened, DateTimeOffset? resolved, bool isOutage = true) =>
        new(0, "k", service, AlertSeverity.Critical, "t", null, opened, resolved, 1, isOutage, false);

    [Fact]
    public void No_outage_is_one_hundred_percent()
    {
        var report = AvailabilityCalculator.Compute([], TimeSpan.FromHours(24), From, To);

        Assert.Equal(100.0, report.UptimePercent);
        Assert.All(report.Services, s => Assert.Equal(100.0, s.UptimePercent));
    }

    [Fact]
    public void Overlapping_outages_of_different_services_count_once_for_the_stack()
    {
        // vLLM down 60 min, gateway down 30 min inside that: the stack was down 60 of 1440 minutes.
        var report = AvailabilityCalculator.Compute(
            [Outage(StackService.Vllm, From.AddHours(1), From.AddHours(2)), Outage(StackService.Gateway, From.AddMinutes(70), From.AddMinutes(100))],
            TimeSpan.FromHours(24), From, To);

        Assert.Equal(TimeSpan.FromHours(1), report.Downtime);
        Assert.Equal(95.83, report.UptimePercent);
        Assert.Equal(95.83, report.Services.Single(s => s.Service == StackService.Vllm).UptimePercent);
        Assert.Equal(97.92, report.Services.Single(s => s.Service == StackService.Gateway).UptimePercent);
    }

    [Fact]
    public void Outages_are_clipped_to_the_window_and_open_ones_run_to_its_end()
    {
        var report = AvailabilityCalculator.Compute(
            [Outage(StackService.Vllm, From.AddHours(-5), From.AddMinutes(12)), Outage(StackService.Proxy, To.AddMinutes(-12), null)],
            TimeSpan.FromHours(24), From, To);

        Assert.Equal(TimeSpan.FromMinutes(24), report.Downtime);
        Assert.Equal(TimeSpan.FromMinutes(12), report.Services.Single(s => s.Service == StackService.Proxy).Downtime);
    }

    [Fact]
    public void Incidents_that_are_not_outages_do_not_cost_uptime()
    {
        var report = AvailabilityCalculator.Compute([Outage(StackService.Gateway, From, To, isOutage: false)], TimeSpan.FromHours(24), From, To);

        Assert.Equal(100.0, report.UptimePercent);
    }
}
