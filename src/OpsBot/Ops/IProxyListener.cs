namespace OpsBot.Ops;

/// <summary>
/// The proxy's own Kestrel listener inside OpsBot. Restarting it drops in-flight proxy requests
/// but keeps the bot, monitors and alerting running.
/// </summary>
public interface IProxyListener
{
    bool IsRunning { get; }

    Uri? LocalAddress { get; }

    Task RestartAsync(CancellationToken cancellationToken);
}
