namespace OpsBot.VllmSimulator;

/// <summary>An error response sent before generation starts (status + body verbatim).</summary>
public sealed record ErrorAnswer(int Status, string BodyJson) : SimulatedAnswer;
