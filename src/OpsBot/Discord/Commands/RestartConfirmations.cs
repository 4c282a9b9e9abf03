using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>
/// Pending restart confirmations. Each nonce can be taken once, only by its requester, and only before it expires; an
/// expired prompt is edited so nobody presses a dead button.
/// </summary>
public sealed partial class RestartConfirmations(TimeProvider time, IOptions<DiscordOptions> options, ILogger<RestartConfirmations> logger)
{
    private readonly ConcurrentDictionary<string, (PendingRestart Pending, ITimer Timer)> _pending = new(StringComparer.Ordinal);

    public int Count => _pending.Count;

    /// <param name="target">The target's name; null for the service's only target.</param>
    public PendingRestart Create(StackService service, string? target, ulong requesterId, Func<CancellationToken, Task> onExpired)
    {
        var timeout = options.Value.RestartConfirmTimeout;
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
        var pending = new PendingRestart(nonce, service, requesterId, time.GetUtcNow() + timeout, target);
        var timer = time.CreateTimer(_ => _ = ExpireAsync(nonce, onExpired), null, timeout, Timeout.InfiniteTimeSpan);
        _pending[nonce] = (pending, timer);
        return pending;
    }

    /// <summary>Takes the confirmation if <paramref name="service"/> and <paramref name="target"/> are the ones it was made for.</summary>
    public ConfirmationOutcome TryTake(string nonce, StackService service, string? target, ulong userId, out PendingRestart? pending)
    {
        pending = null;
        if (!_pending.TryGetValue(nonce, out var entry) || entry.Pending.Service != service || !string.Equals(entry.Pending.Target, target, StringComparison.Ordinal))
        {
            return ConfirmationOutcome.NotFound;
        }

        if (time.GetUtcNow() >= entry.Pending.ExpiresAt)
        {
            Remove(nonce);
            return ConfirmationOutcome.Expired;
        }

        if (entry.Pending.RequesterId != userId)
        {
            pending = entry.Pending;
            return ConfirmationOutcome.WrongUser;
        }

        // Two presses racing: only one removes the entry and runs the restart.
        if (!Remove(nonce))
        {
            return ConfirmationOutcome.NotFound;
        }

        pending = entry.Pending;
        return ConfirmationOutcome.Confirmed;
    }

    private bool Remove(string nonce)
    {
        if (_pending.TryRemove(nonce, out var entry))
        {
            entry.Timer.Dispose();
            return true;
        }

        return false;
    }

    private async Task ExpireAsync(string nonce, Func<CancellationToken, Task> onExpired)
    {
        if (!Remove(nonce))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await onExpired(timeout.Token);
        }
        catch (Exception ex)
        {
            Log.ExpiryEditFailed(logger, ex.GetType().Name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.RestartConfirmationsExpiryEditFailed, Level = LogLevel.Debug, Message = "Editing an expired restart confirmation failed ({Error}).")]
        public static partial void ExpiryEditFailed(ILogger logger, string error);
    }
}
