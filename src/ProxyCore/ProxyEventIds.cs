namespace OpsBot.ProxyCore;

/// <summary>
/// Every event id ProxyCore logs with, one constant a message (YARP keeps the same table in
/// <c>Utilities/EventIds.cs</c>). ProxyCore owns 20-999; the host (<c>OpsBotEventIds</c>) has 10-19 for the proxy's
/// listener and 1000 and up, so one log can hold both without a clash. <c>LoggingEventIdTests</c> fails on a duplicate or a message without an id.
/// </summary>
internal static class ProxyEventIds
{
    // 20-99: request guards and client bodies (Proxy/ProxyGuards, Proxy/RequestBodies)
    public const int ClientBodyErrorBadBody = 20;
    public const int ProxyGuardsRefused = 21;
    public const int ProxyGuardsUnhandled = 22;

    // 100-199: completion events (Events/)
    public const int CompletionLogged = 100;
    public const int CompletionEventPublisherObserverFailed = 101;

    // 200-299: pass-through forwarding (Proxy/Upstream)
    public const int PassthroughForwarderUpstreamFailed = 200;

    // 300-399: chat completions (Proxy/Chat)
    public const int LoopGuardEndedTurn = 300;
    public const int BufferedCompletionExtracted = 301;
    public const int ChatResponseWriterUpstreamFailed = 302;
    public const int StreamingToolCompletionFallback = 303;
    public const int BufferedCompletionEmptyRetry = 304;
    public const int StreamContinuationStarted = 305;
    public const int StreamingToolCompletionExtracted = 310;

    // 400-499: waiting for vLLM (Proxy/Upstream)
    public const int UpstreamSenderWaiting = 400;
    public const int UpstreamSenderBackendFailed = 401;

    // 410-419: backend health (Proxy/Backends)
    public const int BackendHealthProbeDown = 410;
    public const int BackendHealthProbeRecovered = 411;
}
