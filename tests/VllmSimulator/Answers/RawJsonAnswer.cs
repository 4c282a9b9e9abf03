namespace OpsBot.VllmSimulator;

/// <summary>A captured/fixture JSON body replayed verbatim.</summary>
public sealed record RawJsonAnswer(string Json, int Status) : SimulatedAnswer;
