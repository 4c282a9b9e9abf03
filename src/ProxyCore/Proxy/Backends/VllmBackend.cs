namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// One vLLM server behind the proxy and what the proxy knows about it: requests outstanding, passive failures
/// (a cool-down after a refused connection or a 5xx) and the active <c>/health</c> probe's verdict.
/// </summary>
/// <remarks>Thread-safe: every request reads and updates it without a lock.</remarks>
public sealed class VllmBackend
{
    private readonly TimeProvider _time;
    private int _outstanding;
    private long _served;
    private long _coolingUntil;
    private int _probeDown;
    private string? _lastError;

    internal VllmBackend(int index, Uri baseUri, TimeProvider time)
    {
        Index = index;
        BaseUri = baseUri;
        DisplayUri = UrlSecrets.Mask(baseUri);
        // host:port names it in metrics, events and alerts: short, stable, and without the URL's secrets.
        Name = baseUri.IsDefaultPort ? baseUri.Host : $"{baseUri.Host}:{baseUri.Port}";
        if (baseUri.AbsolutePath != "/")
        {
            Name += baseUri.AbsolutePath.TrimEnd('/');
        }

        NameHash = RendezvousHash.Of(Name);
        _time = time;
    }

    /// <summary>Position in <see cref="ProxyOptions.VllmUrl"/>.</summary>
    public int Index { get; }

    /// <summary><c>host:port</c> (and path, if any): the label of metrics and the name in events, logs and alerts.</summary>
    public string Name { get; }

    /// <summary>Base URL without <c>/v1</c>, ending with a slash.</summary>
    public Uri BaseUri { get; }

    /// <summary><see cref="BaseUri"/> as it may be shown: user info masked.</summary>
    public Uri DisplayUri { get; }

    /// <summary>Requests sent to it whose answer has not been read to the end.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Requests it answered (any status below 500) since start.</summary>
    public long Served => Interlocked.Read(ref _served);

    /// <summary>Why it last counted as failing (cut to one line), or null.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    public BackendHealth Health =>
        Volatile.Read(ref _probeDown) != 0 ? BackendHealth.Down
        : _time.GetTimestamp() < Interlocked.Read(ref _coolingUntil) ? BackendHealth.CoolingDown
        : BackendHealth.Healthy;

    internal ulong NameHash { get; }

    internal void Started() => Interlocked.Increment(ref _outstanding);

    internal void Finished() => Interlocked.Decrement(ref _outstanding);

    /// <summary>It answered: whatever a probe or an earlier failure said, it is up.</summary>
    internal void Answered()
    {
        Interlocked.Increment(ref _served);
        Volatile.Write(ref _probeDown, 0);
        Interlocked.Exchange(ref _coolingUntil, 0);
    }

    /// <summary>Passive failure: no new requests for <paramref name="cooldown"/>.</summary>
    internal void Failed(string reason, TimeSpan cooldown)
    {
        Volatile.Write(ref _lastError, reason);
        var until = _time.GetTimestamp() + (long)(cooldown.TotalSeconds * _time.TimestampFrequency);
        Interlocked.Exchange(ref _coolingUntil, until);
    }

    /// <summary>Active probe result. A success also ends a cool-down: the server is back.</summary>
    internal void Probed(string? failure)
    {
        if (failure is null)
        {
            Volatile.Write(ref _probeDown, 0);
            Interlocked.Exchange(ref _coolingUntil, 0);
            return;
        }

        Volatile.Write(ref _lastError, failure);
        Volatile.Write(ref _probeDown, 1);
    }

    public override string ToString() => Name;
}
