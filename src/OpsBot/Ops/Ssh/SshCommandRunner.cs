using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace OpsBot.Ops.Ssh;

// The one exception to the no-ConfigureAwait rule (.editorconfig): SSH.NET's connect and authentication do not finish
// when their continuations are posted to a SynchronizationContext (xunit's, in SshFaultTests), so this boundary
// keeps ConfigureAwait(false).
#pragma warning disable RS0030

/// <summary>
/// SSH.NET with key authentication only and a pinned host key. One connection per command keeps
/// failure handling simple: the gateway host is asked a handful of times per minute at most.
/// </summary>
public sealed partial class SshCommandRunner : ISshCommandRunner
{
    // Extra time over connect + command timeouts before the outer guard gives up on SSH.NET itself.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly Func<GatewayOpsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SshCommandRunner> _logger;

    public SshCommandRunner(IOptionsMonitor<GatewayOpsOptions> options, TimeProvider time, ILogger<SshCommandRunner> logger)
        : this(() => options.CurrentValue, time, logger)
    {
    }

    private SshCommandRunner(Func<GatewayOpsOptions> options, TimeProvider time, ILogger<SshCommandRunner> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>A runner for one entry of <c>Ops:Gateways</c> (the first one's is the registered singleton).</summary>
    public static SshCommandRunner For(GatewayOpsOptions target, TimeProvider time, ILogger<SshCommandRunner> logger) => new(() => target, time, logger);

    public async Task<SshCommandResult> RunAsync(RemoteCommand command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = _options();
        if (!options.IsConfigured)
        {
            return SshCommandResult.Fail(SshOutcome.NotConfigured, "gateway SSH not configured (set Ops:Gateway:Host)", TimeSpan.Zero);
        }

        var started = _time.GetTimestamp();
        SshClient? client = null;
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = RunCoreAsync(options, command, timeout, c => client = c, started, abandon.Token);
        SshCommandResult result;
        try
        {
            result = await work.WaitAsync(options.ConnectTimeout + timeout + Grace, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // SSH.NET did not honour its own timeouts: tear the connection down and report, never hang the caller.
            await abandon.CancelAsync().ConfigureAwait(false);
            client?.Dispose();
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            result = SshCommandResult.Fail(SshOutcome.TimedOut, $"'{command.Display}' on {Target(options)} did not finish within {Seconds(timeout)}", _time.GetElapsedTime(started));
        }

        if (result.Outcome is SshOutcome.Completed)
        {
            LogCompleted(command.Display, result.ExitStatus, result.Elapsed.TotalMilliseconds);
        }
        else
        {
            LogFailed(command.Display, result.Outcome, result.Error);
        }

        return result;
    }

    private async Task<SshCommandResult> RunCoreAsync(
        GatewayOpsOptions options, RemoteCommand command, TimeSpan timeout, Action<SshClient> register, long started, CancellationToken cancellationToken)
    {
        PrivateKeyFile key;
        try
        {
            key = string.IsNullOrEmpty(options.PrivateKeyPassphrase)
                ? new PrivateKeyFile(options.PrivateKeyPath!)
                : new PrivateKeyFile(options.PrivateKeyPath!, options.PrivateKeyPassphrase);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SshException or ArgumentException or InvalidOperationException)
        {
            return SshCommandResult.Fail(SshOutcome.Failed, $"cannot load SSH private key {options.PrivateKeyPath}: {ex.Message}", _time.GetElapsedTime(started));
        }

        using (key)
        {
            var info = new Renci.SshNet.ConnectionInfo(options.Host!, options.SshPort, options.User!, new PrivateKeyAuthenticationMethod(options.User!, key))
            {
                Timeout = options.ConnectTimeout,
            };
            using var client = new SshClient(info);
            register(client);
            var pinned = options.HostKeyFingerprint ?? "";
            string? seen = null;
            client.HostKeyReceived += (_, e) =>
            {
                seen = "SHA256:" + e.FingerPrintSHA256;
                e.CanTrust = pinned.Length > 0 && HostKeyPin.Matches(pinned, seen);
            };

            var connectFailure = await ConnectAsync(client, options, () => seen, started, cancellationToken).ConfigureAwait(false);
            if (connectFailure is not null)
            {
                return connectFailure;
            }

            using var sshCommand = client.CreateCommand(command.Text);
            sshCommand.CommandTimeout = timeout;
            using var commandTimeout = new CancellationTokenSource(timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, commandTimeout.Token);
            try
            {
                await sshCommand.ExecuteAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or SshOperationTimeoutException)
            {
                return new SshCommandResult(
                    SshOutcome.TimedOut, null, SafeRead(() => sshCommand.Result), SafeRead(() => sshCommand.Error),
                    $"'{command.Display}' on {Target(options)} timed out after {Seconds(timeout)}", _time.GetElapsedTime(started));
            }
            catch (Exception ex) when (ex is SshException or SocketException or ObjectDisposedException)
            {
                return SshCommandResult.Fail(SshOutcome.Failed, $"'{command.Display}' on {Target(options)} failed: {ex.Message}", _time.GetElapsedTime(started));
            }

            return new SshCommandResult(SshOutcome.Completed, sshCommand.ExitStatus, sshCommand.Result, sshCommand.Error, null, _time.GetElapsedTime(started));
        }
    }

    private async Task<SshCommandResult?> ConnectAsync(
        SshClient client, GatewayOpsOptions options, Func<string?> seenFingerprint, long started, CancellationToken cancellationToken)
    {
        using var connectTimeout = new CancellationTokenSource(options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token);
        try
        {
            await client.ConnectAsync(linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception) when (seenFingerprint() is { } seen && !HostKeyPin.Matches(options.HostKeyFingerprint ?? "", seen))
        {
            return SshCommandResult.Fail(
                SshOutcome.HostKeyRejected,
                HostKeyPin.RejectionMessage(options.Host!, options.SshPort, options.HostKeyFingerprint ?? "(none pinned)", seen),
                _time.GetElapsedTime(started));
        }
        catch (SshAuthenticationException ex)
        {
            return SshCommandResult.Fail(
                SshOutcome.AuthenticationFailed,
                $"SSH key authentication as {options.User} on {Target(options)} was refused ({ex.Message})",
                _time.GetElapsedTime(started));
        }
        catch (SocketException ex)
        {
            return SshCommandResult.Fail(SshOutcome.ConnectFailed, $"cannot reach {Target(options)}: {Describe(ex)}", _time.GetElapsedTime(started));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is OperationCanceledException or SshOperationTimeoutException)
        {
            return SshCommandResult.Fail(SshOutcome.TimedOut, $"SSH connect to {Target(options)} timed out after {Seconds(options.ConnectTimeout)}", _time.GetElapsedTime(started));
        }
        catch (SshException ex)
        {
            return SshCommandResult.Fail(SshOutcome.ConnectFailed, $"SSH connection to {Target(options)} failed: {ex.Message}", _time.GetElapsedTime(started));
        }
    }

    private static string Target(GatewayOpsOptions options) => $"{options.Host}:{options.SshPort}";

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds:0.#} s";

    private static string Describe(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (sshd not running?)",
        SocketError.HostNotFound or SocketError.NoData => "host name not found",
        SocketError.TimedOut => "connect timed out",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
        _ => ex.Message,
    };

    private static string SafeRead(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or SshException)
        {
            return "";
        }
    }

    [LoggerMessage(EventId = OpsBotEventIds.SshCommandRunnerCompleted, Level = LogLevel.Debug, Message = "ssh '{Command}' exited {ExitStatus} after {ElapsedMs:0} ms")]
    private partial void LogCompleted(string command, int? exitStatus, double elapsedMs);

    [LoggerMessage(EventId = OpsBotEventIds.SshCommandRunnerFailed, Level = LogLevel.Warning, Message = "ssh '{Command}' {Outcome}: {Error}")]
    private partial void LogFailed(string command, SshOutcome outcome, string? error);
}
