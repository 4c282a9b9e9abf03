using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Security;
using OpsBot.Ops.Ssh;

namespace OpsBot.Ops.Logs;

/// <summary>vLLM from Docker, the gateway from journald (or its log file) over SSH, the proxy from memory; all redacted.</summary>
public sealed class LogTailService : ILogTailService, IGatewayLogFileTail
{
    public const int MaxLines = 1000;

    private readonly IContainerEngine _containers;
    private readonly ISshCommandRunner _ssh;
    private readonly ProxyLogBuffer _proxyLog;
    private readonly SecretRedactor _redactor;
    private readonly GatewayOpsOptions _gateway;
    private readonly GatewayCommands _commands;
    private readonly OpsTargets? _targets;
    private readonly IServiceProvider? _services;

    public LogTailService(
        IContainerEngine containers, ISshCommandRunner ssh, ProxyLogBuffer proxyLog, SecretRedactor redactor, IOptions<GatewayOpsOptions> gateway,
        OpsTargets? targets = null, IServiceProvider? services = null)
    {
        _containers = containers;
        _ssh = ssh;
        _proxyLog = proxyLog;
        _redactor = redactor;
        _gateway = gateway.Value;
        _commands = new GatewayCommands(_gateway);
        _targets = targets;
        _services = services;
    }

    public async Task<LogTail> TailAsync(StackService service, string? target, int lines, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(lines, 1, MaxLines);
        string? name = null;
        if (service is StackService.Gateway or StackService.Vllm && _targets is not null)
        {
            name = _targets.Resolve(service, target, out var unknown);
            if (unknown is not null)
            {
                return new LogTail(service, count, [], unknown);
            }
        }

        // The first target (or the only one) is this service's own parts; any other is its keyed runner or engine.
        var first = name is null || name == _targets!.Names(service)[0];
        var tail = service switch
        {
            StackService.Vllm => await (first ? _containers : _services!.GetRequiredKeyedService<IContainerEngine>(name)).TailAsync(count, cancellationToken),
            StackService.Gateway when first => await RunAsync(_ssh, _gateway, _commands.Journal(count), count, cancellationToken),
            StackService.Gateway => await RunOnTargetAsync(name!, count, cancellationToken),
            StackService.Proxy => new LogTail(StackService.Proxy, count, _proxyLog.Tail(count)),
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
        };
        return Redact(tail with { RequestedLines = lines });
    }

    public async Task<LogTail> TailDetailedAsync(int lines, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(lines, 1, MaxLines);
        return Redact((await RunAsync(_ssh, _gateway, _commands.DetailedLog(count), count, cancellationToken)) with { RequestedLines = lines });
    }

    private Task<LogTail> RunOnTargetAsync(string name, int count, CancellationToken cancellationToken)
    {
        var options = _targets!.Gateways.First(g => g.Name == name);
        return RunAsync(_services!.GetRequiredKeyedService<ISshCommandRunner>(name), options, new GatewayCommands(options).Journal(count), count, cancellationToken);
    }

    private static async Task<LogTail> RunAsync(ISshCommandRunner ssh, GatewayOpsOptions gateway, RemoteCommand command, int count, CancellationToken cancellationToken)
    {
        var result = await ssh.RunAsync(command, gateway.CommandTimeout, cancellationToken);
        var lines = SplitLines(result.StandardOutput, count);
        return result.Succeeded
            ? new LogTail(StackService.Gateway, count, lines)
            : new LogTail(StackService.Gateway, count, lines, result.Describe());
    }

    private LogTail Redact(LogTail tail) => tail with
    {
        Lines = _redactor.Redact(tail.Lines),
        Error = tail.Error is null ? null : _redactor.Redact(tail.Error),
    };

    private static IReadOnlyList<string> SplitLines(string text, int count)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines.Count > count ? lines.GetRange(lines.Count - count, count) : lines;
    }
}
