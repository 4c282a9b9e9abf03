using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpsBot.Discord;

/// <summary>The one log line that says why the bot is not running when no token is configured.</summary>
public sealed partial class DiscordBotDisabledNotice(ILogger<DiscordBotDisabledNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Log.Disabled(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.DiscordBotDisabledNoticeDisabled, Level = LogLevel.Information,
            Message = "Discord bot disabled: no Discord:Token configured; proxy and monitors keep running.")]
        public static partial void Disabled(ILogger logger);
    }
}
