namespace OpsBot.Alerts;

/// <summary>A silence in force. <see cref="Target"/> null silences everything.</summary>
public sealed record ActiveSilence(AlertTarget? Target, DateTimeOffset Since, DateTimeOffset Until, string RequestedBy);
