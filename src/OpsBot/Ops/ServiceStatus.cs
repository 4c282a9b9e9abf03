namespace OpsBot.Ops;

/// <summary>One service's state for /status: a headline state plus labelled detail lines.</summary>
/// <param name="Summary">Why the state is what it is, in a few words (the reason an operator reads first when it is not healthy).</param>
public sealed record ServiceStatus(StackService Service, HealthState State, string Summary, IReadOnlyList<KeyValuePair<string, string>> Details)
{
    /// <summary>
    /// Which of the service's targets this is (<c>gw-b</c>), set by the monitor from its probe; null for a service with one
    /// unnamed target (the flat keys), which /status and alerts name as before.
    /// </summary>
    public string? Target { get; init; }

    /// <summary>The figures behind <see cref="Details"/>, typed, for the status renderers.</summary>
    public ServiceFacts Facts { get; init; } = ServiceFacts.None;
}
