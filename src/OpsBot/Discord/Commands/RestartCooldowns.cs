using Microsoft.Extensions.Options;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>
/// Per-service (and, with several targets, per-target) restart cooldown, so a flapping service cannot be restarted in a
/// tight loop from Discord, while restarting gateway beta does not hold back gateway alpha.
/// </summary>
public sealed class RestartCooldowns(TimeProvider time, IOptions<DiscordOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(StackService Service, string? Target), DateTimeOffset> _lastStart = [];

    /// <param name="target">The target's name; null for the service's only target.</param>
    public TimeSpan Remaining(StackService service, string? target)
    {
        lock (_lock)
        {
            return RemainingLocked((service, target));
        }
    }

    /// <summary>Starts the cooldown if none is running; otherwise returns false and how long is left.</summary>
    /// <param name="target">The target's name; null for the service's only target.</param>
    public bool TryStart(StackService service, string? target, out TimeSpan remaining)
    {
        lock (_lock)
        {
            remaining = RemainingLocked((service, target));
            if (remaining > TimeSpan.Zero)
            {
                return false;
            }

            _lastStart[(service, target)] = time.GetUtcNow();
            return true;
        }
    }

    private TimeSpan RemainingLocked((StackService, string?) key)
    {
        if (!_lastStart.TryGetValue(key, out var last))
        {
            return TimeSpan.Zero;
        }

        var left = last + options.Value.RestartCooldown - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
