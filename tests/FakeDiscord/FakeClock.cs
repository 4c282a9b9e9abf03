namespace OpsBot.FakeDiscord;

/// <summary>Time since the fake started, read from the options' <see cref="TimeProvider"/> (so tests can move it).</summary>
public sealed class FakeClock(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public TimeProvider Time { get; } = time;

    public TimeSpan Elapsed => Time.GetElapsedTime(_started);
}
