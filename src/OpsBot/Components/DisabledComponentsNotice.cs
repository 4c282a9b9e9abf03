namespace OpsBot.Components;

/// <summary>One error line per component that its configuration disabled, naming the keys, when OpsBot starts.</summary>
public sealed partial class DisabledComponentsNotice(ComponentStates states, ILogger<DisabledComponentsNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var component in states.Snapshot().Where(c => c.State == ComponentState.Disabled))
        {
            LogDisabled(logger, component.Name, component.Reason ?? "invalid configuration");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = OpsBotEventIds.DisabledComponentsNoticeDisabled, Level = LogLevel.Error,
        Message = "Component {Component} is disabled by its configuration: {Problems} The proxy and the other components run; fix the configuration (opsbot check-config) and restart OpsBot.")]
    private static partial void LogDisabled(ILogger logger, string component, string problems);
}
