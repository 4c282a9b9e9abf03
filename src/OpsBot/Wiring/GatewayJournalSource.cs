using Microsoft.Extensions.Options;
using OpsBot.Alerts;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Security;
using OpsBot.Ops.Ssh;

namespace OpsBot.Wiring;

/// <summary>New lines of one gateway's journal over SSH, from a journald cursor, redacted before they go further.</summary>
public sealed class GatewayJournalSource : IGatewayLogSource
{
    private const string CursorPrefix = "-- cursor: ";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ISshCommandRunner _ssh;
    private readonly SecretRedactor _redactor;
    private readonly GatewayCommands _commands;

    /// <summary>The first (or only) gateway's journal.</summary>
    public GatewayJournalSource(ISshCommandRunner ssh, SecretRedactor redactor, IOptions<GatewayOpsOptions> options)
        : this(ssh, redactor, options.Value)
    {
    }

    /// <summary>The journal of <paramref name="target"/>, over its own SSH runner.</summary>
    public GatewayJournalSource(ISshCommandRunner ssh, SecretRedactor redactor, GatewayOpsOptions target)
    {
        _ssh = ssh;
        _redactor = redactor;
        _commands = new GatewayCommands(target);
        Gateway = OpsTargets.Shown(target.Name);
    }

    public string? Gateway { get; }

    public async Task<GatewayLogBatch> ReadSinceAsync(string? cursor, CancellationToken cancellationToken)
    {
        // An empty journal gives no cursor; start from "now" again next time.
        cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        var result = await _ssh.RunAsync(_commands.JournalAfter(cursor), Timeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Reading the {StackServiceNames.Plain(StackService.Gateway, Gateway)} journal failed: {_redactor.Redact(result.Describe())}");
        }

        var lines = new List<string>();
        var next = cursor;
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith(CursorPrefix, StringComparison.Ordinal))
            {
                next = line[CursorPrefix.Length..];
            }
            else if (cursor is not null && line != "-- No entries --")
            {
                lines.Add(line);
            }
        }

        // As a whole, so a private key printed over several lines is masked from its first line to its last.
        return new GatewayLogBatch(_redactor.Redact(lines), next ?? "");
    }
}
