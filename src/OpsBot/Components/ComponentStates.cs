namespace OpsBot.Components;

/// <summary>
/// The one registry of component states. Configuration checks write into it while services are registered (a component
/// whose section is invalid is <see cref="ComponentState.Disabled"/> and never started); at run time each component reports
/// its own health, and <see cref="ComponentSupervisor{TService}"/> reports crashes of its hosted services. Every view
/// (<c>/health</c>, <c>/status</c>, <c>opsbot status</c>, <c>check-config</c>) reads <see cref="Snapshot"/>.
/// </summary>
/// <remarks>
/// A component's state is, in this order: what its configuration decided (disabled or off), else failed while one of its
/// hosted services has crashed and not restarted, else what the component last reported (running until it says otherwise).
/// Thread-safe; reads and reports are cheap and never throw.
/// </remarks>
public sealed class ComponentStates
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    public ComponentStates()
    {
        foreach (var name in ComponentNames.All)
        {
            _entries[name] = new Entry();
        }
    }

    /// <summary>Every configuration problem found (each names its key), in the order found: what check-config prints.</summary>
    public IReadOnlyList<string> ConfigurationProblems
    {
        get
        {
            lock (_lock)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>The component's configuration is invalid: it is not started. Each problem names its key.</summary>
    public void Disable(string component, IReadOnlyList<string> problems)
    {
        if (problems.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            var entry = Find(component);
            entry.Problems.AddRange(problems);
            entry.Configured = ComponentState.Disabled;
            _problems.AddRange(problems);
        }
    }

    /// <summary>The component is not configured or switched off on purpose; <paramref name="reason"/> says how to turn it on.</summary>
    public void SwitchOff(string component, string reason)
    {
        lock (_lock)
        {
            var entry = Find(component);
            if (entry.Configured != ComponentState.Disabled)
            {
                entry.Configured = ComponentState.Off;
                entry.OffReason = reason;
            }
        }
    }

    /// <summary>False when the component is disabled by its configuration or switched off.</summary>
    public bool IsEnabled(string component)
    {
        lock (_lock)
        {
            return Find(component).Configured is null;
        }
    }

    /// <summary>A component's own view of its health (<see cref="ComponentState.Starting"/>, running, degraded, failed).</summary>
    public void Report(string component, ComponentState state, string? reason = null)
    {
        if (state is ComponentState.Disabled or ComponentState.Off)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Disabled and off are decided by configuration, not reported.");
        }

        lock (_lock)
        {
            var entry = Find(component);
            entry.Reported = state;
            entry.ReportedReason = state == ComponentState.Running ? null : reason;
        }
    }

    /// <summary>A hosted service of the component threw; the component shows as failed until it runs again.</summary>
    public void ReportCrash(string component, string service, string reason)
    {
        lock (_lock)
        {
            Find(component).Crashes[service] = reason;
        }
    }

    public void ReportRecovered(string component, string service)
    {
        lock (_lock)
        {
            Find(component).Crashes.Remove(service);
        }
    }

    public ComponentStatus Get(string component)
    {
        lock (_lock)
        {
            return Find(component).ToStatus(component);
        }
    }

    public IReadOnlyList<ComponentStatus> Snapshot()
    {
        lock (_lock)
        {
            return ComponentNames.All.Select(name => _entries[name].ToStatus(name)).ToList();
        }
    }

    private Entry Find(string component) =>
        _entries.TryGetValue(component, out var entry) ? entry : throw new ArgumentException($"Unknown component '{component}'.", nameof(component));

    private sealed class Entry
    {
        public ComponentState? Configured { get; set; }

        public List<string> Problems { get; } = [];

        public string? OffReason { get; set; }

        public ComponentState Reported { get; set; } = ComponentState.Running;

        public string? ReportedReason { get; set; }

        public Dictionary<string, string> Crashes { get; } = new(StringComparer.Ordinal);

        public ComponentStatus ToStatus(string name) => Configured switch
        {
            ComponentState.Disabled => new ComponentStatus(name, ComponentState.Disabled, string.Join(" ", Problems)),
            ComponentState.Off => new ComponentStatus(name, ComponentState.Off, OffReason),
            _ when Crashes.Count > 0 => new ComponentStatus(name, ComponentState.Failed, string.Join(" ", Crashes.Select(c => $"{c.Key}: {c.Value}"))),
            _ => new ComponentStatus(name, Reported, ReportedReason),
        };
    }
}
