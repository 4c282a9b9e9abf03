using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Charts;
using OpsBot.Discord;
using OpsBot.FakeDiscord;
using OpsBot.History;
using OpsBot.Tests.Discord;
using OpsBot.Tests.History;
using OpsBot.Wiring;

namespace OpsBot.Tests.Charts;

public sealed class DigestTests
{
    // A failure guard, not a synchronisation: each wait ends as soon as the digest arrives.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    private static DigestSchedule Schedule(string time, string zone = "UTC") =>
        DigestSchedule.From(new DigestOptions { Time = time, TimeZone = zone }, TimeZoneInfo.Utc, out var problem) ?? throw new InvalidOperationException(problem);

    [Fact]
    public void A_UTC_time_comes_round_once_a_day_later_today_or_tomorrow()
    {
        var schedule = Schedule("08:00");
        var morning = new DateTimeOffset(2026, 11, 25, 7, 59, 0, TimeSpan.Zero);

        Assert.Equal(morning.AddMinutes(1), schedule.NextAfter(morning));
        Assert.Equal(morning.AddMinutes(1).AddDays(1), schedule.NextAfter(morning.AddMinutes(1)));
        Assert.Equal(morning.AddMinutes(1).AddDays(1), schedule.NextAfter(morning.AddHours(3)));
        Assert.Equal("08:00 UTC", schedule.ToString());
    }

    [Fact]
    public void A_zoned_time_follows_daylight_saving_skipping_nothing_and_posting_once()
    {
        var berlin = Schedule("08:00", "Europe/Berlin");
        // Winter (UTC+1), then summer (UTC+2) after the last Sunday of March.
        Assert.Equal(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero), berlin.NextAfter(new DateTimeOffset(2026, 3, 28, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 6, 0, 0, TimeSpan.Zero), berlin.NextAfter(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero)));

        // 02:30 does not exist on 29 March 2026 in Berlin: the digest comes at 03:00 local, the first minute after the jump.
        var skipped = Schedule("02:30", "Europe/Berlin").NextAfter(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), skipped);

        // 02:30 happens twice on 25 October 2026: the first one (still UTC+2), and not again an hour later.
        var twice = Schedule("02:30", "Europe/Berlin");
        var first = twice.NextAfter(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), twice.NextAfter(first));
    }

    [Theory]
    [InlineData(null, "UTC", null)]
    [InlineData("", "UTC", null)]
    [InlineData("8:00", "UTC", null)]
    [InlineData("08:00", "Local", null)]
    [InlineData("8 am", "UTC", "Alerts:Digest:Time must be HH:mm on a 24-hour clock, e.g. 08:00 (got '8 am').")]
    [InlineData("24:00", "UTC", "Alerts:Digest:Time must be HH:mm on a 24-hour clock, e.g. 08:00 (got '24:00').")]
    [InlineData("08:00", "Mars/Olympus", "Alerts:Digest:TimeZone 'Mars/Olympus' is not a time zone this system knows: use UTC, Local, or an IANA name such as Europe/Berlin.")]
    public void Options_are_checked_at_start_with_the_key_named(string? time, string zone, string? problem)
    {
        var result = new DigestOptionsValidator().Validate(null, new DigestOptions { Time = time, TimeZone = zone });

        Assert.Equal(problem, result.Failed ? Assert.Single(result.Failures!) : null);
    }

    [Fact]
    public async Task The_digest_fires_once_a_day_at_the_configured_time_with_the_24h_chart()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24), now: ChartTestKit.End.AddMinutes(-1));
        var sink = new RecordingDigestSink();
        using var service = Digest(kit, sink, "08:00");

        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(ChartTestKit.End, service.NextAt);
            for (var day = 0; day < 3; day++)
            {
                var due = ChartTestKit.End.AddDays(day);
                kit.Time.SetUtcNow(due.AddMinutes(-1));
                Assert.False(sink.Received.TryPeek(out _), $"a digest came before {due:u}");
                kit.Time.SetUtcNow(due);

                var digest = await sink.NextAsync();

                // Posted exactly at the time, and only then: an extra digest in between would be read here first.
                Assert.Equal(due, digest.At);
                Assert.Equal(ChartRange.Day, digest.Chart.Model.Range);
                Assert.Equal(due, digest.Chart.Model.To);
                using var bitmap = ChartTestKit.Decode(digest.Chart.Png);
                Assert.Equal((1200, 900), (bitmap.Width, bitmap.Height));
                Assert.StartsWith($"OpsBot, 24 h to {due.UtcDateTime:d MMM} 08:00 UTC: ", digest.Summary);
            }

            Assert.Equal(3, sink.Count);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_first_digest_line_sums_the_day_from_history()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        var sink = new RecordingDigestSink();
        using var service = Digest(kit, sink, "08:00");

        await service.PostAsync(ChartTestKit.End, CancellationToken.None);

        var digest = await sink.NextAsync();
        var requests = kit.Traffic.Sum(r => r.Requests);
        var errors = kit.Traffic.Sum(r => r.Failed);
        var empty = kit.Traffic.Sum(r => r.EmptyAnswers);
        Assert.StartsWith($"OpsBot, 24 h to 25 Nov 08:00 UTC: {requests:N0} requests, {errors} errors, {empty} empty answers · latency p50 ", digest.Summary);
        Assert.Matches(@"· latency p50 [0-9.]+ s, p95 [0-9.]+ s · first token p50 [0-9.]+ m?s, p95 [0-9.]+ m?s · KV cache peak \d+ %$", digest.Summary);
        Assert.DoesNotContain('\n', digest.Summary);
    }

    [Fact]
    public async Task A_digest_that_cannot_be_posted_is_logged_once_and_the_next_day_still_comes()
    {
        await using var kit = await ChartTestKit.CreateAsync(now: ChartTestKit.End.AddMinutes(-1));
        var sink = new RecordingDigestSink { FailuresLeft = 1 };
        var log = new ListLogger<DailyDigestService>();
        using var service = Digest(kit, sink, "08:00", log);

        await service.StartAsync(CancellationToken.None);
        try
        {
            kit.Time.SetUtcNow(ChartTestKit.End);
            await sink.FailedAsync();
            kit.Time.SetUtcNow(ChartTestKit.End.AddDays(1));
            var digest = await sink.NextAsync();

            Assert.Equal(ChartTestKit.End.AddDays(1), digest.At);
            // No history at all: the digest still goes out, saying so.
            Assert.Contains("no proxy request", digest.Summary);
            var warning = Assert.Single(log.Entries, e => e.Level >= LogLevel.Warning);
            Assert.Equal("Daily digest not posted (HttpRequestException: Discord is down); the next one is due tomorrow", warning.Message);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_a_time_the_digest_is_off()
    {
        await using var kit = await ChartTestKit.CreateAsync();
        using var service = Digest(kit, new RecordingDigestSink(), time: null);

        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        Assert.Null(service.NextAt);
    }

    [Fact]
    public async Task On_Discord_the_digest_is_a_quiet_alert_channel_message_with_the_chart_as_files_0()
    {
        await using var kit = await ChartTestKit.CreateAsync(TimeSpan.FromHours(24));
        await using var bot = await BotHarness.StartAsync();
        var chart = await kit.Charts.RenderAsync(ChartRange.Day);
        var digest = new DailyDigest(ChartTestKit.End, "OpsBot, 24 h to 25 Nov 08:00 UTC: 3 requests", chart);

        await new DiscordDigestSink(bot.Host.Services.GetRequiredService<IDiscordMessageSender>()).SendAsync(digest, CancellationToken.None);

        var call = await bot.Discord.WaitForRequestAsync("POST", $"/api/v10/channels/{FakeInteractions.AlertsChannelId}/messages");
        Assert.Equal(200, call.Status);
        var file = Assert.Single(call.Files);
        Assert.Equal(("files[0]", "opsbot-24h-20261125-0800Z.png", "image/png"), (file.PartName, file.FileName, file.ContentType));
        Assert.Equal(chart.Png, file.Content);
        var json = call.Json!;
        Assert.Equal(digest.Summary, json["content"]!.GetValue<string>());
        Assert.Equal("opsbot-24h-20261125-0800Z.png", json["attachments"]![0]!["filename"]!.GetValue<string>());
        Assert.Equal(0, json["attachments"]![0]!["id"]!.GetValue<int>());
        // SUPPRESS_NOTIFICATIONS: nobody's phone buzzes for a digest.
        Assert.Equal(1 << 12, json["flags"]!.GetValue<int>() & (1 << 12));
    }

    [Fact]
    public async Task Without_an_alert_channel_the_Discord_sink_refuses_instead_of_posting_nowhere()
    {
        await using var kit = await ChartTestKit.CreateAsync();
        var chart = await kit.Charts.RenderAsync(ChartRange.Day);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new DiscordDigestSink(new DisabledDiscordMessageSender()).SendAsync(new DailyDigest(ChartTestKit.End, "x", chart), CancellationToken.None));

        Assert.Contains("Discord:AlertChannelId", error.Message);
    }

    private static DailyDigestService Digest(ChartTestKit kit, IDigestSink sink, string? time, ListLogger<DailyDigestService>? log = null) =>
        new(Options.Create(new DigestOptions { Time = time }), kit.Charts, kit.Series, sink, kit.Time, log ?? new ListLogger<DailyDigestService>());

    private sealed class RecordingDigestSink : IDigestSink
    {
        private readonly Channel<DailyDigest> _received = Channel.CreateUnbounded<DailyDigest>();
        private readonly Channel<bool> _failed = Channel.CreateUnbounded<bool>();

        public int FailuresLeft { get; set; }

        public int Count { get; private set; }

        public ChannelReader<DailyDigest> Received => _received.Reader;

        public Task SendAsync(DailyDigest digest, CancellationToken cancellationToken)
        {
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                _failed.Writer.TryWrite(true);
                throw new HttpRequestException("Discord is down");
            }

            Count++;
            _received.Writer.TryWrite(digest);
            return Task.CompletedTask;
        }

        public async Task<DailyDigest> NextAsync() => await _received.Reader.ReadAsync().AsTask().WaitAsync(Guard);

        public async Task FailedAsync() => await _failed.Reader.ReadAsync().AsTask().WaitAsync(Guard);
    }
}
