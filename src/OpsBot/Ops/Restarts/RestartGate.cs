using System.Diagnostics.CodeAnalysis;

namespace OpsBot.Ops.Restarts;

/// <summary>
/// One restart per service (per target, where there are several) at a time, and a cooldown after each, so double-clicks or a restart
/// loop from alerting cannot keep a service from ever finishing its start.
/// </summary>
public sealed class RestartGate(TimeSpan cooldown, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _running = [];
    private readonly Dictionary<string, DateTimeOffset> _finishedAt = [];
    private readonly TimeSpan _cooldown = cooldown;
    private readonly TimeProvider _time = time;

    public bool TryEnter(StackService service, [NotNullWhen(false)] out string? refusal) => TryEnter(service.ToString(), out refusal);

    public void Exit(StackService service) => Exit(service.ToString());

    /// <param name="service">What is restarted, as messages name it: <c>Gateway</c>, or <c>Gateway beta</c> for one of several targets.</param>
    public bool TryEnter(string service, [NotNullWhen(false)] out string? refusal)
    {
        lock (_gate)
        {
            if (_running.Contains(service))
            {
                refusal = $"a restart of {service} is already in progress";
                return false;
            }

            if (_finishedAt.TryGetValue(service, out var finished))
            {
                var since = _time.GetUtcNow() - finished;
                if (since < _cooldown)
                {
                    refusal = $"{service} was restarted {since.TotalSeconds:0} s ago; wait {(_cooldown - since).TotalSeconds:0} s more (cooldown {_cooldown.TotalSeconds:0} s)";
                    return false;
                }
            }

            _running.Add(service);
            refusal = null;
            return true;
        }
    }

    public void Exit(string service)
    {
        lock (_gate)
        {
            _running.Remove(service);
            _finishedAt[service] = _time.GetUtcNow();
        }
    }
}
