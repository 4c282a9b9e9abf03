using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Security;
using OpsBot.Ops.Ssh;

namespace OpsBot.Ops.Probes;

/// <summary>The gateway unit over SSH (one bundled command) and its port over TCP, in parallel.</summary>
public sealed class GatewayProbe : IServiceProbe
{
    private readonly ISshCommandRunner _ssh;
    private readonly ITcpPortProbe _tcp;
    private readonly SecretRedactor _redactor;
    private readonly GatewayOpsOptions _options;
    private readonly GatewayCommands _commands;

    public GatewayProbe(ISshCommandRunner ssh, ITcpPortProbe tcp, SecretRedactor redactor, IOptions<GatewayOpsOptions> options)
    {
        _ssh = ssh;
        _tcp = tcp;
        _redactor = redactor;
        _options = options.Value;
        _commands = new GatewayCommands(_options);
    }

    public StackService Service => StackService.Gateway;

    public string? Target => OpsTargets.Shown(_options.Name);

    public async Task<ServiceStatus> ProbeAsync(CancellationToken cancellationToken) =>
        StackHealthRules.EvaluateGateway(await ObserveAsync(cancellationToken));

    public async Task<GatewayObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        if (!_options.IsConfigured)
        {
            return GatewayObservation.NotConfigured(_options.UnitName, _options.GatewayPort);
        }

        var ssh = _ssh.RunAsync(_commands.StatusBundle(), _options.CommandTimeout, cancellationToken);
        var port = _tcp.ProbeAsync(_options.EffectiveProbeHost, _options.GatewayPort, _options.ConnectTimeout, cancellationToken);
        await Task.WhenAll(ssh, port);
        var result = await ssh;
        var (open, portError) = await port;

        if (result.Outcome != SshOutcome.Completed)
        {
            return new GatewayObservation(true, _options.UnitName, null, null, null, _redactor.Redact(result.Describe()), _options.GatewayPort, open, portError);
        }

        var (isActive, show, login) = GatewayCommands.SplitStatusBundle(result.StandardOutput);
        var activeState = isActive.Split('\n', 2)[0].Trim();
        return new GatewayObservation(
            true,
            _options.UnitName,
            activeState.Length == 0 ? null : activeState,
            SystemctlShowParser.Parse(show),
            login.Length == 0 ? null : _redactor.Redact(login),
            null,
            _options.GatewayPort,
            open,
            portError);
    }

    /// <summary>The restart wait condition: <c>is-active</c> says active and the port accepts connections.</summary>
    public async Task<(bool Ready, string Detail)> IsReadyAsync(CancellationToken cancellationToken)
    {
        var active = await _ssh.RunAsync(_commands.IsActive(), _options.CommandTimeout, cancellationToken);
        var state = active.StandardOutput.Trim();
        if (active.Outcome != SshOutcome.Completed)
        {
            return (false, _redactor.Redact(active.Describe()));
        }

        if (state != "active")
        {
            return (false, $"unit is {(state.Length == 0 ? "unknown" : state)}");
        }

        var (open, error) = await _tcp.ProbeAsync(_options.EffectiveProbeHost, _options.GatewayPort, _options.ConnectTimeout, cancellationToken);
        return open ? (true, "active, port open") : (false, $"active, port {_options.GatewayPort} {error ?? "closed"}");
    }
}
