namespace OpsBot.Components;

/// <summary>One component as the views show it: <c>/health</c>, <c>/status</c>, <c>opsbot status</c>, <c>check-config</c>.</summary>
/// <param name="Name">The component's name (<see cref="ComponentNames"/>).</param>
/// <param name="Reason">Why it is not simply running; null when it is.</param>
public sealed record ComponentStatus(string Name, ComponentState State, string? Reason)
{
    /// <summary>The state as written in JSON and text: <c>running</c>, <c>disabled</c>…</summary>
    public string StateName => State.ToString().ToLowerInvariant();
}
