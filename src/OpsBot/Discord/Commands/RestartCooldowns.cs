using Microsoft.Extensions.Options;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>Per-service restart cooldown, so a flapping service cannot be restarted in a tight loop from Discord.</summary>
public sealed class RestartCooldowns(TimeProvider time, IOptions<DiscordOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StackService, DateTimeOffset> _lastStart = [];

    public TimeSpan Remaining(StackService service)
    {
        lock (_lock)
        {
            return RemainingLocked(service);
        }
    }

    /// <summary>Starts the cooldown if none is running; otherwise returns false and how long is left.</summary>
    public bool TryStart(StackService service, out TimeSpan remaining)
    {
        lock (_lock)
        {
            remaining = RemainingLocked(service);
            if (remaining > TimeSpan.Zero)
            {
                return false;
            }

            _lastStart[service] = time.GetUtcNow();
            return true;
        }
    }

    private TimeSpan RemainingLocked(StackService service)
    {
        if (!_lastStart.TryGetValue(service, out var last))
        {
            return TimeSpan.Zero;
        }

        var left = last + options.Value.RestartCooldown - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
