namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// Spaces deltas against an absolute schedule (start + tokens / tps) rather than sleeping per delta, so timer
/// granularity does not accumulate and high token rates stay accurate. Uses the injected TimeProvider throughout.
/// </summary>
internal sealed class Pacer(TimeProvider time, TimeSpan thinkTime, double? tokensPerSecond)
{
    private long _start;
    private long _tokensSent;

    public async Task ThinkAsync(CancellationToken cancellationToken)
    {
        if (thinkTime > TimeSpan.Zero)
        {
            await Task.Delay(thinkTime, time, cancellationToken).ConfigureAwait(false);
        }

        _start = time.GetTimestamp();
    }

    /// <summary>Waits until the tokens already sent are "paid for", then accounts for the next delta.</summary>
    public Task BeforeDeltaAsync(int tokens, CancellationToken cancellationToken)
    {
        var due = _tokensSent;
        _tokensSent += tokens;
        return WaitUntilAsync(due, cancellationToken);
    }

    /// <summary>Waits for the whole generation (non-streaming requests answer only at the end).</summary>
    public Task GenerateAsync(int tokens, CancellationToken cancellationToken)
    {
        _tokensSent += tokens;
        return WaitUntilAsync(_tokensSent, cancellationToken);
    }

    private Task WaitUntilAsync(long tokens, CancellationToken cancellationToken)
    {
        if (tokensPerSecond is not { } tps || tps <= 0 || tokens == 0)
        {
            return Task.CompletedTask;
        }

        var remaining = TimeSpan.FromSeconds(tokens / tps) - time.GetElapsedTime(_start);
        return remaining > TimeSpan.Zero ? Task.Delay(remaining, time, cancellationToken) : Task.CompletedTask;
    }
}
