namespace OpsBot.Ops;

/// <summary>One service's state for /status: a headline state plus labelled detail lines.</summary>
public sealed record ServiceStatus(StackService Service, HealthState State, string Summary, IReadOnlyList<KeyValuePair<string, string>> Details);
