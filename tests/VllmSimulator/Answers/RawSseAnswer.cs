namespace OpsBot.VllmSimulator;

/// <summary>A captured/fixture SSE body replayed verbatim, one flush per event.</summary>
public sealed record RawSseAnswer(string Sse) : SimulatedAnswer;
