namespace OpsBot.VllmSimulator;

/// <summary>
/// Holds a generation at a known point until the test releases it, so a test can observe "vLLM is still
/// generating" (or "N requests are at vLLM at once") as a fact rather than as a guess about timing.
/// </summary>
/// <param name="AfterDeltas">Content/tool deltas sent before the hold (0 = before the first token); non-streaming answers hold before the body.</param>
/// <param name="Released">Completes when generation may go on.</param>
public sealed record AnswerGate(int AfterDeltas, Task Released);
