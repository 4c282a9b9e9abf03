using OpsBot.Ops.Security;

namespace OpsBot.Components;

/// <summary>
/// Runs one hosted service of a component so that nothing it does can stop the host (and with it the proxy): the service is
/// built, started and watched on a background task; the host's start does not wait for it. A constructor, start or
/// <c>ExecuteAsync</c> that throws marks the component failed in <see cref="ComponentStates"/>, logs once per run of
/// failures and is tried again with a capped backoff.
/// </summary>
/// <remarks>
/// .NET stops the host when a <see cref="BackgroundService"/> throws (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>);
/// the host never sees the wrapped service, so that rule cannot reach the proxy. A service whose <c>ExecuteAsync</c> returns
/// is done and not started again.
/// </remarks>
public sealed partial class ComponentSupervisor : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(5);

    /// <summary>A restarted service that has run this long without throwing counts as recovered.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    private readonly string _component;
    private readonly string _name;
    private readonly Func<IHostedService> _create;
    private readonly ComponentStates _states;
    private readonly TimeProvider _time;
    private readonly ILogger<ComponentSupervisor> _logger;
    private readonly SecretRedactor _redactor;
    private readonly Task _startAfter;
    private readonly CancellationTokenSource _stopping = new();
    private IHostedService? _service;
    private Task _run = Task.CompletedTask;

    /// <param name="redactor">Exception messages become reasons shown in /health and Discord: known secrets and secret shapes are masked.</param>
    /// <param name="startAfter">The service is not built before this completes (<see cref="ComponentStartGate.Opened"/>: the proxy answers first).</param>
    public ComponentSupervisor(string component, string name, Func<IHostedService> create, ComponentStates states, TimeProvider time, ILogger<ComponentSupervisor> logger, SecretRedactor? redactor = null, Task? startAfter = null)
    {
        _startAfter = startAfter ?? Task.CompletedTask;
        _redactor = redactor ?? SecretRedactor.PatternsOnly;
        _component = component;
        _name = name;
        _create = create;
        _states = states;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _run = Task.Run(() => SuperviseAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try
        {
            // The service's own stopping token is linked to ours: a running ExecuteAsync is being asked to end now.
            await _run.WaitAsync(cancellationToken);
            if (_service is { } service)
            {
                await service.StopAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStopFailed(_logger, _component, _name, ex);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown time is up; it moves on without us.
        }
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        try
        {
            await _startAfter.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            Exception failure;
            try
            {
                _service ??= _create();
                await _service.StartAsync(stopping);
                var execution = _service is BackgroundService { ExecuteTask: { } task } ? task : Task.CompletedTask;
                if (failures > 0)
                {
                    // Started is not yet recovered: an ExecuteAsync that throws a moment later is the same run of failures.
                    using (var stable = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                    {
                        await Task.WhenAny(execution, Task.Delay(StableAfter, _time, stable.Token));
                        // A run that ended early must not leave its stability timer behind (one per failed start).
                        await stable.CancelAsync();
                    }

                    if (!execution.IsCompleted || execution.IsCompletedSuccessfully)
                    {
                        _states.ReportRecovered(_component, _name);
                        LogRecovered(_logger, _component, _name, failures);
                        failures = 0;
                    }
                }

                await execution;
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            failures++;
            var retryIn = TimeSpan.FromTicks(Math.Min(FirstRetry.Ticks << Math.Min(failures - 1, 16), MaxRetry.Ticks));
            var reason = _redactor.Redact(Describe(failure));
            _states.ReportCrash(_component, _name, reason);
            if (failures == 1)
            {
                LogFailed(_logger, _component, _name, reason, retryIn, failure);
            }
            else
            {
                LogFailedAgain(_logger, _component, _name, failures, reason, retryIn);
            }

            try
            {
                await Task.Delay(retryIn, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Describe(Exception exception)
    {
        var root = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        var message = root.Message.ReplaceLineEndings(" ");
        return $"{root.GetType().Name}: {(message.Length > 300 ? string.Concat(message.AsSpan(0, 299), "…") : message)}";
    }

    [LoggerMessage(EventId = OpsBotEventIds.ComponentSupervisorFailed, Level = LogLevel.Error,
        Message = "Component {Component} failed ({Service}): {Reason}. The proxy and the other components keep running; retrying in {RetryIn}.")]
    private static partial void LogFailed(ILogger logger, string component, string service, string reason, TimeSpan retryIn, Exception exception);

    [LoggerMessage(EventId = OpsBotEventIds.ComponentSupervisorFailedAgain, Level = LogLevel.Debug,
        Message = "Component {Component} failed again ({Service}, {Failures} times in a row): {Reason}; retrying in {RetryIn}.")]
    private static partial void LogFailedAgain(ILogger logger, string component, string service, int failures, string reason, TimeSpan retryIn);

    [LoggerMessage(EventId = OpsBotEventIds.ComponentSupervisorRecovered, Level = LogLevel.Information, Message = "Component {Component} ({Service}) runs again after {Failures} failed start(s).")]
    private static partial void LogRecovered(ILogger logger, string component, string service, int failures);

    [LoggerMessage(EventId = OpsBotEventIds.ComponentSupervisorStopFailed, Level = LogLevel.Warning, Message = "Component {Component} ({Service}) did not stop cleanly.")]
    private static partial void LogStopFailed(ILogger logger, string component, string service, Exception exception);

    /// <summary>Disposes <c>_stopping</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _stopping.Dispose();
}
