using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpsBot.Discord;

/// <summary>Start-up warnings for configurations that are valid but probably not what was meant.</summary>
public sealed partial class DiscordStartupCheck(IOptions<DiscordOptions> options, ILogger<DiscordStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (value.AdminRoleIds.Length == 0 && value.AdminUserIds.Length == 0)
        {
            Log.NoAdmins(logger);
        }

        if (value.AlertChannelId is null)
        {
            Log.NoAlertChannel(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = OpsBotEventIds.DiscordStartupCheckNoAdmins, Level = LogLevel.Warning,
            Message = "Neither Discord:AdminRoleIds nor Discord:AdminUserIds is set: nobody can use /restart or /smoke.")]
        public static partial void NoAdmins(ILogger logger);

        [LoggerMessage(EventId = OpsBotEventIds.DiscordStartupCheckNoAlertChannel, Level = LogLevel.Information, Message = "Discord:AlertChannelId is not set; alerts will not be posted to Discord.")]
        public static partial void NoAlertChannel(ILogger logger);
    }
}
