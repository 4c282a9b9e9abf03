namespace OpsBot.Bench.Diagnose;

/// <summary>Evidence for why a target was missed: per-step costs and per-process GC behaviour.</summary>
internal sealed record Diagnosis(IReadOnlyList<StageCost> Stages, IReadOnlyList<InstrumentedRun> Runs);
