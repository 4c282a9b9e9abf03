using System.Globalization;
using System.Text.RegularExpressions;

namespace OpsBot.FakeDiscord;

/// <summary>
/// Discord's rate limits as a client meets them when nothing is injected: a bucket per route and major parameter
/// (channel, webhook token, application), advertised with <c>X-RateLimit-*</c> headers on every response, a global
/// 50 requests per second for bot-token routes (interaction callbacks and webhook-token routes are outside it), and a
/// 429 for a request over either. Discord never publishes the per-route numbers (clients must read the headers), so
/// the ones here are plausible and small enough that a client ignoring the headers trips them in a test.
/// </summary>
public sealed partial class DefaultRateLimits(TimeProvider time)
{
    public const int GlobalPerSecond = 50;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Window> _buckets = new(StringComparer.Ordinal);
    private Window _global = new(0, 0);

    /// <summary>The (limit, window, bucket id) of the route, and the key its state is shared under.</summary>
    public static (int Limit, TimeSpan Window, string Bucket, string Key, bool Global) Classify(string method, string route)
    {
        if (CallbackRoute().Match(route) is { Success: true } callback)
        {
            return (5, TimeSpan.FromSeconds(5), "interaction-callback", "callback:" + callback.Groups[1].Value, false);
        }

        if (WebhookRoute().Match(route) is { Success: true } webhook)
        {
            return (5, TimeSpan.FromSeconds(5), "webhook-token", $"{method}:webhook:{webhook.Groups[1].Value}", false);
        }

        if (ChannelMessagesRoute().Match(route) is { Success: true } channel)
        {
            return (5, TimeSpan.FromSeconds(5), "channel-messages", "messages:" + channel.Groups[1].Value, true);
        }

        if (route.StartsWith("/applications/", StringComparison.Ordinal))
        {
            return (5, TimeSpan.FromSeconds(20), "application-commands", $"{method}:commands", true);
        }

        return (10, TimeSpan.FromSeconds(10), "default", $"{method}:{route}", true);
    }

    /// <summary>Counts the request; adds the headers; returns the 429 body when it is over a limit.</summary>
    internal (double RetryAfter, bool Global)? Take(string method, string route, List<(string, string)> headers)
    {
        var (limit, window, bucket, key, global) = Classify(method, route);
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (global)
            {
                _global = _global.Advance(now, TimeSpan.FromSeconds(1), time);
                if (_global.Count >= GlobalPerSecond)
                {
                    var retry = _global.ResetAfter(now, TimeSpan.FromSeconds(1), time);
                    headers.Add(("X-RateLimit-Global", "true"));
                    headers.Add(("X-RateLimit-Scope", "global"));
                    headers.Add(("Retry-After", Math.Ceiling(retry).ToString(CultureInfo.InvariantCulture)));
                    return (retry, true);
                }

                _global = _global with { Count = _global.Count + 1 };
            }

            var state = (_buckets.GetValueOrDefault(key) ?? new Window(now, 0)).Advance(now, window, time);
            var over = state.Count >= limit;
            if (!over)
            {
                state = state with { Count = state.Count + 1 };
            }

            _buckets[key] = state;
            var resetAfter = state.ResetAfter(now, window, time);
            headers.Add(("X-RateLimit-Limit", limit.ToString(CultureInfo.InvariantCulture)));
            headers.Add(("X-RateLimit-Remaining", Math.Max(0, limit - state.Count).ToString(CultureInfo.InvariantCulture)));
            headers.Add(("X-RateLimit-Reset-After", resetAfter.ToString("0.000", CultureInfo.InvariantCulture)));
            headers.Add(("X-RateLimit-Reset", (time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0 + resetAfter).ToString("0.000", CultureInfo.InvariantCulture)));
            headers.Add(("X-RateLimit-Bucket", bucket));
            if (!over)
            {
                return null;
            }

            headers.Add(("X-RateLimit-Scope", "user"));
            headers.Add(("Retry-After", Math.Ceiling(resetAfter).ToString(CultureInfo.InvariantCulture)));
            return (resetAfter, false);
        }
    }

    /// <summary>A fixed window: when it started (timestamp) and how many requests it took.</summary>
    private sealed record Window(long Start, int Count)
    {
        public Window Advance(long now, TimeSpan length, TimeProvider time) =>
            time.GetElapsedTime(Start, now) >= length ? new Window(now, 0) : this;

        public double ResetAfter(long now, TimeSpan length, TimeProvider time) =>
            Math.Max(0, (length - time.GetElapsedTime(Start, now)).TotalSeconds);
    }

    [GeneratedRegex(@"^/interactions/(\d+)/[^/]+/callback$")]
    private static partial Regex CallbackRoute();

    [GeneratedRegex(@"^/webhooks/\d+/([^/]+)")]
    private static partial Regex WebhookRoute();

    [GeneratedRegex(@"^/channels/(\d+)/messages$")]
    private static partial Regex ChannelMessagesRoute();
}
