using OpsBot.Ops;
using OpsBot.Ops.Configuration;

namespace OpsBot.Status;

/// <summary>
/// One service of a status snapshot with its targets (several gateways, several vLLM servers), in the snapshot's order.
/// A service with one unnamed target is <see cref="IsSingle"/> and renders as it always has; one with named targets gets a
/// summary ("1/2 up") and a line or field per target.
/// </summary>
public sealed record ServiceGroup(StackService Service, IReadOnlyList<ServiceStatus> Targets)
{
    public static IReadOnlyList<ServiceGroup> Of(StackStatus? stack) =>
        stack is null ? [] : [.. stack.Services.GroupBy(s => s.Service).Select(g => new ServiceGroup(g.Key, [.. g]))];

    public bool IsSingle => Targets is [{ Target: null }];

    public int Up => Targets.Count(t => t.State == HealthState.Healthy);

    /// <summary>
    /// The group's state: all targets' common state, or the worst; but some up and some down is a partial outage,
    /// degraded (the stack's overall state still says down, through <see cref="StackStatus.Worst"/>).
    /// </summary>
    public HealthState State
    {
        get
        {
            var worst = Targets.Max(t => t.State);
            return worst == HealthState.Down && Targets.Any(t => t.State is HealthState.Healthy or HealthState.Degraded) ? HealthState.Degraded : worst;
        }
    }

    /// <summary>"2/2 up", or "1/3 up · gw-b down, gw-c unknown": the targets that are not up, with their state.</summary>
    public string Summary
    {
        get
        {
            var up = $"{Up}/{Targets.Count} up";
            var notUp = Targets.Where(t => t.State != HealthState.Healthy).Select(t => $"{NameOf(t)} {t.State.ToString().ToLowerInvariant()}").ToList();
            return notUp.Count == 0 ? up : $"{up} · {string.Join(", ", notUp)}";
        }
    }

    /// <summary>
    /// A target's name; a list entry that calls itself <c>default</c> has none on its status (it reads like the flat keys'
    /// one target), but next to named ones it still needs one.
    /// </summary>
    public static string NameOf(ServiceStatus target) => target.Target ?? OpsTargets.DefaultName;

    /// <summary>The group's name in a headline: "gateways", "vLLMs".</summary>
    public string Name => IsSingle ? StackServiceNames.Of(Service) : StackServiceNames.Of(Service) + "s";
}
