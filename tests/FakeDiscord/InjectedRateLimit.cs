namespace OpsBot.FakeDiscord;

/// <summary>The next <see cref="Count"/> requests matching method + path prefix get a 429 with this retry_after.</summary>
public sealed record InjectedRateLimit(string Method, string PathPrefix, double RetryAfterSeconds, bool Global, int Count = 1);
