namespace OpsBot.ProxyCore.Events;

/// <summary>
/// Receives every completion event in-process. Called on the request path: implementations must be
/// quick and must not throw (hand work off to a channel if it is slow).
/// </summary>
public interface ICompletionObserver
{
    void OnCompletion(CompletionEvent completion);
}
