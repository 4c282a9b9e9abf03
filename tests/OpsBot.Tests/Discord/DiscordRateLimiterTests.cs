using Microsoft.Extensions.Time.Testing;
using OpsBot.Discord.Rest;

namespace OpsBot.Tests.Discord;

public sealed class DiscordRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2025-06-01T12:00:00Z"));

    [Fact]
    public async Task Request_waits_until_the_bucket_resets_when_remaining_is_zero()
    {
        var limiter = new DiscordRateLimiter(_time);
        var route = DiscordRoute.CreateMessage(201);
        using (var lease = await limiter.AcquireAsync(route, CancellationToken.None))
        {
            limiter.Update(route, lease, Headers(limit: 5, remaining: 0, resetAfter: 2.0, bucket: "abcd1234"));
        }

        var next = limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.2));
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task An_exhausted_bucket_waits_a_margin_past_the_reported_reset()
    {
        var limiter = new DiscordRateLimiter(_time);
        var route = DiscordRoute.CreateMessage(201);
        using (var lease = await limiter.AcquireAsync(route, CancellationToken.None))
        {
            limiter.Update(route, lease, Headers(limit: 5, remaining: 0, resetAfter: 2.0, bucket: "abcd1234"));
        }

        var next = limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        _time.Advance(TimeSpan.FromSeconds(2.0));
        Assert.False(next.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(50));
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task Remaining_is_consumed_before_the_response_so_a_burst_stops_at_the_limit()
    {
        var limiter = new DiscordRateLimiter(_time);
        var route = DiscordRoute.CreateMessage(201);
        using (var lease = await limiter.AcquireAsync(route, CancellationToken.None))
        {
            limiter.Update(route, lease, Headers(limit: 3, remaining: 2, resetAfter: 5, bucket: "b"));
        }

        (await limiter.AcquireAsync(route, CancellationToken.None)).Dispose();
        (await limiter.AcquireAsync(route, CancellationToken.None)).Dispose();
        var third = limiter.AcquireAsync(route, CancellationToken.None).AsTask();

        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(5) + RateLimitBucket.ResetMargin);
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task Routes_sharing_a_bucket_name_and_major_parameter_share_its_limit_but_other_channels_do_not()
    {
        var limiter = new DiscordRateLimiter(_time);
        var create = DiscordRoute.CreateMessage(201);
        var sameBucket = new DiscordRoute(HttpMethod.Patch, "/channels/{channel_id}/messages/{message_id}", "/channels/201/messages/9", "201");
        var otherChannel = DiscordRoute.CreateMessage(202);

        // Both routes report the same bucket name, which links them.
        using (var lease = await limiter.AcquireAsync(sameBucket, CancellationToken.None))
        {
            limiter.Update(sameBucket, lease, Headers(limit: 5, remaining: 3, resetAfter: 1, bucket: "shared"));
        }

        using (var lease = await limiter.AcquireAsync(create, CancellationToken.None))
        {
            limiter.Update(create, lease, Headers(limit: 5, remaining: 0, resetAfter: 3, bucket: "shared"));
        }

        var blocked = limiter.AcquireAsync(sameBucket, CancellationToken.None).AsTask();
        var free = limiter.AcquireAsync(otherChannel, CancellationToken.None).AsTask();

        (await free.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.False(blocked.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(3) + RateLimitBucket.ResetMargin);
        (await blocked.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task Global_limit_pauses_bot_routes_but_not_interaction_callbacks()
    {
        var limiter = new DiscordRateLimiter(_time);
        var route = DiscordRoute.CreateMessage(201);
        using (var lease = await limiter.AcquireAsync(route, CancellationToken.None))
        {
            limiter.OnRateLimited(route, lease, TimeSpan.FromSeconds(0.812), global: true);
        }

        var otherRoute = limiter.AcquireAsync(DiscordRoute.BulkOverwriteGuildCommands(1, 100), CancellationToken.None).AsTask();
        var callback = limiter.AcquireAsync(DiscordRoute.InteractionCallback(1001, "token"), CancellationToken.None).AsTask();

        (await callback.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.False(otherRoute.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.812));
        (await otherRoute.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task A_route_429_blocks_only_that_bucket_for_retry_after()
    {
        var limiter = new DiscordRateLimiter(_time);
        var route = DiscordRoute.CreateMessage(201);
        using (var lease = await limiter.AcquireAsync(route, CancellationToken.None))
        {
            limiter.OnRateLimited(route, lease, TimeSpan.FromSeconds(1.337), global: false);
        }

        var retry = limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        (await limiter.AcquireAsync(DiscordRoute.CreateMessage(202), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.False(retry.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1.4));
        (await retry.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task Requests_on_one_bucket_are_serialized()
    {
        var limiter = new DiscordRateLimiter(_time);
        var route = DiscordRoute.CreateMessage(201);
        var first = await limiter.AcquireAsync(route, CancellationToken.None);

        var second = limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public void Headers_are_parsed_from_a_response()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("X-RateLimit-Limit", "5");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Remaining", "0");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Reset-After", "1.337");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Bucket", "abcd1234");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Global", "true");
        response.Headers.TryAddWithoutValidation("X-RateLimit-Scope", "global");
        response.Headers.TryAddWithoutValidation("Retry-After", "2");

        var headers = RateLimitHeaders.Parse(response.Headers);

        Assert.Equal(new RateLimitHeaders(5, 0, TimeSpan.FromSeconds(1.337), "abcd1234", true, "global", TimeSpan.FromSeconds(2)), headers);
    }

    private static RateLimitHeaders Headers(int limit, int remaining, double resetAfter, string bucket) =>
        new(limit, remaining, TimeSpan.FromSeconds(resetAfter), bucket, false, null, null);
}
