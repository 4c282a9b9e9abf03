namespace OpsBot.Bench.Diagnose;

/// <summary>One instrumented proxy configuration (mode and GC flavour) under the 48 KB and 1 MiB workloads.</summary>
internal sealed record InstrumentedRun(string Configuration, ProcessGcRun Small, ProcessGcRun Large);
