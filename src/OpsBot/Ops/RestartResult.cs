namespace OpsBot.Ops;

/// <summary>Outcome of one restart: <see cref="TimeToHealthy"/> is null when the service never became healthy.</summary>
public sealed record RestartResult(StackService Service, bool Succeeded, string Message, TimeSpan Elapsed, TimeSpan? TimeToHealthy);
