using Microsoft.Extensions.Options;

namespace OpsBot.ProxyCore.Proxy.Backends;

/// <summary>
/// The vLLM servers of <see cref="ProxyOptions.VllmUrl"/> and the choice of one for each attempt of a request.
/// </summary>
/// <remarks>
/// Choice, in order: only backends this request has not tried yet; among the healthy ones, a conversation's
/// rendezvous-hash favourite (so its turns reuse that server's prefix cache, and a lost backend moves only its own
/// conversations, each to its next favourite), unless that one is saturated (more outstanding requests than
/// <see cref="ProxyOptions.AffinitySpillFactor"/> × the mean and at least <see cref="ProxyOptions.AffinitySpillMinimum"/>),
/// then the least loaded. Requests without a conversation (<c>/v1/models</c>...) go to the least loaded. When no
/// healthy backend is left, the others are tried in the same order: a cool-down or a failed probe may be out of date.
/// With one URL there is nothing to choose: it behaves as the single-upstream proxy always did. <see cref="ProxyOptions.Routing"/>
/// can replace the affinity by plain least-outstanding or round-robin choice (for comparison; failover is the same).
/// </remarks>
public sealed class VllmBackends
{
    private readonly VllmBackend[] _backends;
    private readonly double _spillFactor;
    private readonly int _spillMinimum;
    private readonly BackendRouting _routing;
    private int _rotation;

    public VllmBackends(IOptions<ProxyOptions> options, TimeProvider time)
    {
        var value = options.Value;
        _backends = value.VllmUrls
            .Select((url, i) => new VllmBackend(i, new Uri(url.TrimEnd('/') + "/", UriKind.Absolute), time))
            .ToArray();
        _spillFactor = value.AffinitySpillFactor;
        _spillMinimum = value.AffinitySpillMinimum;
        _routing = value.Routing;
        Cooldown = value.BackendCooldown;
        DisplayName = string.Join(", ", _backends.Select(b => b.DisplayUri.ToString()));
    }

    public IReadOnlyList<VllmBackend> All => _backends;

    /// <summary>More than one URL: health probes run, <c>/health</c> lists them, metrics and events name them.</summary>
    public bool IsMultiple => _backends.Length > 1;

    /// <summary>How the upstream is named in error messages: the URL (masked), or every URL with several.</summary>
    public string DisplayName { get; }

    internal TimeSpan Cooldown { get; }

    /// <summary>Every backend's state now, in <see cref="ProxyOptions.VllmUrl"/>'s order.</summary>
    public IReadOnlyList<BackendSnapshot> Snapshot() => Array.ConvertAll(_backends, BackendSnapshot.Of);

    /// <summary>The backend for the next attempt, or null when the request has tried every backend.</summary>
    /// <param name="affinity">The conversation's key (<see cref="ConversationAffinity.KeyOf"/>), or null for none.</param>
    /// <param name="tried">Backends this request already tried (refused, 503, or broke off before answering).</param>
    public VllmBackend? Select(ulong? affinity, IReadOnlyCollection<VllmBackend> tried)
    {
        if (_backends.Length == 1)
        {
            return tried.Count == 0 ? _backends[0] : null;
        }

        if (_routing != BackendRouting.Affinity)
        {
            affinity = null;
        }

        return Choose(affinity, tried, healthy: true) ?? Choose(affinity, tried, healthy: false);
    }

    private VllmBackend? Choose(ulong? affinity, IReadOnlyCollection<VllmBackend> tried, bool healthy)
    {
        if (_routing == BackendRouting.RoundRobin)
        {
            return NextInRotation(tried, healthy);
        }

        VllmBackend? favourite = null, leastLoaded = null;
        ulong best = 0;
        int candidates = 0, load = 0;
        // Ties in load rotate, so requests without affinity spread over idle backends instead of all taking the first.
        var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)_backends.Length);
        for (var n = 0; n < _backends.Length; n++)
        {
            var backend = _backends[(start + n) % _backends.Length];
            if ((backend.Health == BackendHealth.Healthy) != healthy || tried.Contains(backend))
            {
                continue;
            }

            var outstanding = backend.Outstanding;
            candidates++;
            load += outstanding;
            if (leastLoaded is null || outstanding < leastLoaded.Outstanding)
            {
                leastLoaded = backend;
            }

            if (affinity is { } key && (favourite is null || RendezvousHash.Score(key, backend.NameHash) > best))
            {
                favourite = backend;
                best = RendezvousHash.Score(key, backend.NameHash);
            }
        }

        if (favourite is null)
        {
            return leastLoaded;
        }

        var outstandingThere = favourite.Outstanding;
        var saturated = outstandingThere >= _spillMinimum && outstandingThere > _spillFactor * load / candidates;
        return saturated ? leastLoaded : favourite;
    }

    /// <summary>
    /// <see cref="BackendRouting.RoundRobin"/>: the rotation runs over the backends that may take the request, so a lost
    /// backend's turns spread evenly over the others rather than all falling to the one after it in the list.
    /// </summary>
    private VllmBackend? NextInRotation(IReadOnlyCollection<VllmBackend> tried, bool healthy)
    {
        bool Eligible(VllmBackend backend) => (backend.Health == BackendHealth.Healthy) == healthy && !tried.Contains(backend);

        VllmBackend? first = null;
        var eligible = 0;
        foreach (var backend in _backends)
        {
            if (Eligible(backend))
            {
                first ??= backend;
                eligible++;
            }
        }

        if (eligible == 0)
        {
            return null;
        }

        var pick = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)eligible);
        foreach (var backend in _backends)
        {
            if (Eligible(backend) && pick-- == 0)
            {
                return backend;
            }
        }

        // Health changed between the two passes.
        return first;
    }

    /// <summary>A request found <paramref name="backend"/> refusing, dying or failing with 5xx: no new requests for a while.</summary>
    public void ReportFailure(VllmBackend backend, string reason) => backend.Failed(reason, Cooldown);
}
