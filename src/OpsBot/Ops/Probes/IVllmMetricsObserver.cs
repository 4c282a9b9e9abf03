namespace OpsBot.Ops.Probes;

/// <summary>
/// Told about every <c>/metrics</c> sample a vLLM probe reads (history keeps them for charts). Called on the probe's
/// path: implementations hand the sample off and return at once, and never throw.
/// </summary>
public interface IVllmMetricsObserver
{
    void OnSample(DateTimeOffset at, VllmMetrics metrics);
}
