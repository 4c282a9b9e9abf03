using OpsBot.Ops.Docker;

namespace OpsBot.Ops.Probes;

public sealed record VllmObservation(
    EndpointCheck Health,
    EndpointCheck Models,
    IReadOnlyList<string> ModelIds,
    EndpointCheck Metrics,
    VllmMetrics? Gauges,
    ContainerObservation Container);
