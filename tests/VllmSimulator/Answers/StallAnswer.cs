namespace OpsBot.VllmSimulator;

/// <summary>A hung engine: nothing more is sent until the client disconnects or the server stops.</summary>
public sealed record StallAnswer(bool AfterHeaders, string ContentBefore) : SimulatedAnswer;
