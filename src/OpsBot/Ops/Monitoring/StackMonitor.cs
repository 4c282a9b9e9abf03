using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;

namespace OpsBot.Ops.Monitoring;

/// <summary>Refreshes the status snapshot every <see cref="MonitorOptions.Interval"/>.</summary>
public sealed partial class StackMonitor : BackgroundService
{
    private readonly StatusService _status;
    private readonly MonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StackMonitor> _logger;

    public StackMonitor(StatusService status, IOptions<MonitorOptions> options, TimeProvider time, ILogger<StackMonitor> logger)
    {
        _status = status;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled();
            return;
        }

        LogStarted(_options.Interval);
        using var timer = new PeriodicTimer(_options.Interval, _time);
        do
        {
            try
            {
                await _status.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A broken tick must not end monitoring; the next tick tries again.
                LogTickFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.StackMonitorDisabled, Level = LogLevel.Information, Message = "Stack monitor disabled (Ops:Monitor:Enabled=false)")]
    private partial void LogDisabled();

    [LoggerMessage(EventId = OpsBotEventIds.StackMonitorStarted, Level = LogLevel.Information, Message = "Stack monitor probing every {Interval}")]
    private partial void LogStarted(TimeSpan interval);

    [LoggerMessage(EventId = OpsBotEventIds.StackMonitorTickFailed, Level = LogLevel.Error, Message = "Stack monitor tick failed")]
    private partial void LogTickFailed(Exception exception);
}
