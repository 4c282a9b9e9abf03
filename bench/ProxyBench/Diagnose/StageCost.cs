namespace OpsBot.Bench.Diagnose;

/// <summary>Managed bytes allocated, thread CPU time and wall time of one proxy step on one request, measured in-process.</summary>
internal sealed record StageCost(string Body, string Stage, double BytesPerOp, double CpuMicrosecondsPerOp, double WallMicrosecondsPerOp);
