using Microsoft.Extensions.Configuration;
using OpsBot.Components;

namespace OpsBot.Tests.Components;

public sealed class ComponentStatesTests
{
    [Fact]
    public void Every_component_starts_running_and_is_listed_in_order()
    {
        var states = new ComponentStates();

        Assert.Equal(ComponentNames.All, states.Snapshot().Select(c => c.Name));
        Assert.All(states.Snapshot(), c => Assert.Equal((ComponentState.Running, (string?)null), (c.State, c.Reason)));
    }

    [Fact]
    public void Configuration_decides_first_then_crashes_then_what_the_component_reports()
    {
        var states = new ComponentStates();
        states.Disable(ComponentNames.Discord, ["Discord:GuildId is required.", "Discord:Intents must be 0 or a positive bit set."]);
        states.Report(ComponentNames.Discord, ComponentState.Running);
        states.SwitchOff(ComponentNames.Discord, "no Discord:Token configured");
        states.Report(ComponentNames.History, ComponentState.Degraded, "locked");
        states.ReportCrash(ComponentNames.History, "TrafficRollupWriter", "IOException: disk full");

        Assert.Equal(new ComponentStatus(ComponentNames.Discord, ComponentState.Disabled, "Discord:GuildId is required. Discord:Intents must be 0 or a positive bit set."),
            states.Get(ComponentNames.Discord));
        Assert.False(states.IsEnabled(ComponentNames.Discord));
        Assert.Equal(new ComponentStatus(ComponentNames.History, ComponentState.Failed, "TrafficRollupWriter: IOException: disk full"), states.Get(ComponentNames.History));

        states.ReportRecovered(ComponentNames.History, "TrafficRollupWriter");
        Assert.Equal(new ComponentStatus(ComponentNames.History, ComponentState.Degraded, "locked"), states.Get(ComponentNames.History));
        states.Report(ComponentNames.History, ComponentState.Running, "ignored when running");
        Assert.Equal(new ComponentStatus(ComponentNames.History, ComponentState.Running, null), states.Get(ComponentNames.History));
        Assert.Equal(["Discord:GuildId is required.", "Discord:Intents must be 0 or a positive bit set."], states.ConfigurationProblems);
    }

    [Fact]
    public void Off_is_not_a_problem_and_cannot_be_reported_at_run_time()
    {
        var states = new ComponentStates();
        states.SwitchOff(ComponentNames.GatewaySsh, "no Ops:Gateway:Host configured");

        Assert.Equal(ComponentState.Off, states.Get(ComponentNames.GatewaySsh).State);
        Assert.Empty(states.ConfigurationProblems);
        Assert.Throws<ArgumentOutOfRangeException>(() => states.Report(ComponentNames.GatewaySsh, ComponentState.Disabled));
        Assert.Throws<ArgumentException>(() => states.Get("proxy"));
    }

    [Fact]
    public void A_reason_never_carries_a_password_a_validator_quoted()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ops:Vllm:BaseUrl"] = "ftp://opsbot:s3cret-pass@10.0.0.7:8000" }).Build();

        var problems = services.AddComponentOptions(configuration, OpsBot.Ops.Configuration.VllmOpsOptions.SectionName,
            new OpsBot.Ops.Configuration.VllmOpsOptionsValidator(), ComponentNames.VllmContainer, out OpsBot.Ops.Configuration.VllmOpsOptions _);

        var reason = services.GetComponentStates().Get(ComponentNames.VllmContainer).Reason;
        Assert.Contains("Ops:Vllm:BaseUrl must be an absolute http(s) URL", reason);
        Assert.DoesNotContain("s3cret-pass", reason);
        Assert.DoesNotContain("s3cret-pass", string.Join(" ", problems));
    }
}
