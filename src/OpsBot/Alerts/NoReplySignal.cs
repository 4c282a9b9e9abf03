namespace OpsBot.Alerts;

/// <summary>One failed answer: which check fired and a one-line summary of the request.</summary>
public sealed record NoReplySignal(DateTimeOffset At, NoReplySource Source, string Check, string Summary);
