using Microsoft.Extensions.Logging;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// Keeps Discord's 3-second rule for a handler that is slow to answer: armed before the handler runs, it sends a
/// public defer once <c>after</c> has passed without a reply. Disposing it disarms it.
/// </summary>
internal sealed class AutoDeferTimer : IAsyncDisposable
{
    private readonly InteractionContext _context;
    private readonly TimeSpan _after;
    private readonly ILogger _logger;
    private readonly ITimer _timer;

    private AutoDeferTimer(InteractionContext context, TimeSpan after, TimeProvider time, ILogger logger)
    {
        _context = context;
        _after = after;
        _logger = logger;
        _timer = time.CreateTimer(_ => _ = DeferAsync(), null, after, Timeout.InfiniteTimeSpan);
    }

    public static AutoDeferTimer Start(InteractionContext context, TimeSpan after, TimeProvider time, ILogger logger) => new(context, after, time, logger);

    public ValueTask DisposeAsync() => _timer.DisposeAsync();

    private async Task DeferAsync()
    {
        try
        {
            if (!_context.Responder.HasResponded)
            {
                InteractionLog.AutoDeferred(_logger, _context.Interaction.Id, _after.TotalMilliseconds);
                await _context.Responder.DeferAsync(ephemeral: false, _context.CancellationToken);
            }
        }
        catch (Exception ex)
        {
            InteractionLog.ReplyFailed(_logger, _context.Interaction.Id, ex);
        }
    }
}
