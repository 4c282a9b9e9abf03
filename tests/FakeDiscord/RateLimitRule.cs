namespace OpsBot.FakeDiscord;

/// <summary>
/// A fixed-window limit the fake enforces and advertises with X-RateLimit-* headers. A request over the limit gets a 429
/// and counts as a violation: a well-behaved client never causes one.
/// </summary>
public sealed record RateLimitRule(string Method, string PathPrefix, int Limit, TimeSpan Window, string Bucket);
