namespace OpsBot.Ops.Monitoring;

/// <summary>
/// Decides which observed states are transitions. A changed state must be seen
/// <c>confirmations</c> times in a row before it counts, so one slow probe does not page anyone; so must a problem
/// seen in the first rounds after start (the first transition, <c>From</c> null, comes once the state is confirmed).
/// </summary>
public sealed class HealthTransitionTracker
{
    private readonly int _confirmations;
    private readonly Dictionary<(StackService Service, string? Target), Entry> _entries = [];

    public HealthTransitionTracker(int confirmations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(confirmations, 1);
        _confirmations = confirmations;
    }

    public HealthState? Confirmed(StackService service, string? target = null) => _entries.TryGetValue((service, target), out var e) ? e.Confirmed : null;

    public IReadOnlyList<HealthTransition> Observe(StackStatus status)
    {
        var transitions = new List<HealthTransition>();
        foreach (var service in status.Services)
        {
            // Each target is its own service here: two gateways' states never confirm or reset each other.
            var key = (service.Service, service.Target);
            if (!_entries.TryGetValue(key, out var entry))
            {
                // A problem seen at start needs the same confirmations as any change (a service still coming up right
                // after a reboot is no outage yet); healthy or unknown at start is simply where we are.
                entry = new Entry(null, null, 0);
            }

            if (service.State == entry.Confirmed)
            {
                _entries[key] = entry with { Candidate = null, Count = 0 };
                continue;
            }

            var count = entry.Candidate == service.State ? entry.Count + 1 : 1;
            var isProblem = service.State is HealthState.Down or HealthState.Degraded;
            if (count >= _confirmations || (entry.Confirmed is null && !isProblem))
            {
                _entries[key] = new Entry(service.State, null, 0);
                transitions.Add(new HealthTransition(service.Service, entry.Confirmed, service.State, service.Summary, status.TakenAt) { Target = service.Target });
            }
            else
            {
                _entries[key] = entry with { Candidate = service.State, Count = count };
            }
        }

        return transitions;
    }

    private sealed record Entry(HealthState? Confirmed, HealthState? Candidate, int Count);
}
