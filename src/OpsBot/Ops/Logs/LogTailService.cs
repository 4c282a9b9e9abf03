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

    public LogTailService(
        IContainerEngine containers, ISshCommandRunner ssh, ProxyLogBuffer proxyLog, SecretRedactor redactor, IOptions<GatewayOpsOptions> gateway)
    {
        _containers = containers;
        _ssh = ssh;
        _proxyLog = proxyLog;
        _redactor = redactor;
        _gateway = gateway.Value;
        _commands = new GatewayCommands(_gateway);
    }

    public async Task<LogTail> TailAsync(StackService service, int lines, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(lines, 1, MaxLines);
        var tail = service switch
        {
            StackService.Vllm => await _containers.TailAsync(count, cancellationToken),
            StackService.Gateway => await RunAsync(_commands.Journal(count), count, cancellationToken),
            StackService.Proxy => new LogTail(StackService.Proxy, count, _proxyLog.Tail(count)),
            _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
        };
        return Redact(tail with { RequestedLines = lines });
    }

    public async Task<LogTail> TailDetailedAsync(int lines, CancellationToken cancellationToken)
    {
        var count = Math.Clamp(lines, 1, MaxLines);
        return Redact((await RunAsync(_commands.DetailedLog(count), count, cancellationToken)) with { RequestedLines = lines });
    }

    private async Task<LogTail> RunAsync(RemoteCommand command, int count, CancellationToken cancellationToken)
    {
        var result = await _ssh.RunAsync(command, _gateway.CommandTimeout, cancellationToken);
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
