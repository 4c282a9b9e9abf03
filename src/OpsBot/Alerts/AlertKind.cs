namespace OpsBot.Alerts;

/// <summary>Where a message sits in an incident's life: one Raised, some Updates, one Resolved.</summary>
public enum AlertKind
{
    Raised,
    /// <summary>The incident got worse (warning → critical, degraded → down).</summary>
    Escalated,
    /// <summary>Still going: a count since the last message.</summary>
    Update,
    Resolved,
    /// <summary>Not part of an incident: silences, one-shot events, delivery summaries.</summary>
    Notice,
}
