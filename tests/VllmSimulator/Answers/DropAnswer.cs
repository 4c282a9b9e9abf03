namespace OpsBot.VllmSimulator;

/// <summary>The connection is reset mid-response (engine crash, OOM kill, network cut).</summary>
public sealed record DropAnswer : SimulatedAnswer;
