namespace OpsBot.History;

internal static class UnixTime
{
    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromMs(object? value) => value is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
