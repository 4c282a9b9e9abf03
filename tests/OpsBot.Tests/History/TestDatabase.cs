using Microsoft.Extensions.Time.Testing;
using OpsBot.History;

namespace OpsBot.Tests.History;

/// <summary>Builds a <see cref="HistoryDatabase"/> on a file with test-friendly timeouts.</summary>
public static class TestDatabase
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static HistoryOptions Options => new() { BusyTimeout = TimeSpan.FromSeconds(1), RetryAfter = TimeSpan.FromMinutes(1) };

    public static HistoryDatabase Open(string path, TimeProvider time, ListLogger<HistoryDatabase>? logger = null) =>
        new(Options, path, time, logger ?? new ListLogger<HistoryDatabase>());

    public static FakeTimeProvider Time() => new(Start);
}
