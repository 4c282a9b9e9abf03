namespace OpsBot.Alerts;

/// <summary>
/// What the Discord <c>/silence service minutes</c> command calls (admin check is the caller's).
/// A silence holds back posts for a target; alerts are still logged and recorded, and an incident
/// that is still open when the silence ends is posted then.
/// </summary>
public interface IAlertSilenceService
{
    /// <param name="target">vllm, proxy, gateway, no-reply or all.</param>
    Task<SilenceResult> SilenceAsync(string target, int minutes, string requestedBy, CancellationToken cancellationToken);

    Task<SilenceResult> UnsilenceAsync(string target, string requestedBy, CancellationToken cancellationToken);

    IReadOnlyList<ActiveSilence> GetActiveSilences();
}
