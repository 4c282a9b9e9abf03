using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Ssh;

namespace OpsBot.Ops.Restarts;

/// <summary>Restarts the gateway's systemd user unit over SSH; ready once the unit is active and its port answers.</summary>
public sealed class GatewayRestarter(ISshCommandRunner ssh, GatewayProbe probe, IOptions<GatewayOpsOptions> options) : IServiceRestarter
{
    private readonly GatewayOpsOptions _gateway = options.Value;
    private readonly GatewayCommands _commands = new(options.Value);

    public StackService Service => StackService.Gateway;

    public string? Target => _gateway.Name;

    public string Name => "gateway";

    public TimeSpan ReadyTimeout => _gateway.RestartReadyTimeout;

    public TimeSpan ReadyPollInterval => _gateway.ReadyPollInterval;

    public async Task<string?> RestartAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!_gateway.IsConfigured)
        {
            return "gateway not configured (set Ops:Gateway:Host)";
        }

        progress?.Report($"restarting {_gateway.UnitName} on {_gateway.Host}");
        var restart = await ssh.RunAsync(_commands.Restart(), _gateway.CommandTimeout, cancellationToken);
        if (!restart.Succeeded)
        {
            return $"systemctl --user restart {_gateway.UnitName} failed: {restart.Describe()}";
        }

        progress?.Report($"waiting until {_gateway.UnitName} is active and port {_gateway.GatewayPort} answers");
        return null;
    }

    public Task<(bool Ready, string Detail)> CheckReadyAsync(CancellationToken cancellationToken) => probe.IsReadyAsync(cancellationToken);
}
