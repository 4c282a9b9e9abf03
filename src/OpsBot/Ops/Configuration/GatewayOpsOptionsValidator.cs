using Microsoft.Extensions.Options;

namespace OpsBot.Ops.Configuration;

/// <summary>
/// Checks the gateway settings only when a host is configured, so OpsBot starts with zero config,
/// but a half-configured gateway (no key, no pinned fingerprint) stops the start with a clear message.
/// </summary>
/// <param name="section">The entry's key in messages: <c>Ops:Gateway</c>, or <c>Ops:Gateways:1</c> in the list form.</param>
public sealed class GatewayOpsOptionsValidator(string section = GatewayOpsOptions.SectionName) : IValidateOptions<GatewayOpsOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOpsOptions o)
    {
        var failures = new List<string>();

        if (!OpsPatterns.UnitName().IsMatch(o.UnitName ?? ""))
        {
            failures.Add($"{section}:UnitName '{o.UnitName}' must be a systemd service name like openclaw-gateway.service.");
        }

        if (o.GatewayPort is < 1 or > 65535)
        {
            failures.Add($"{section}:GatewayPort must be 1-65535 (got {o.GatewayPort}).");
        }

        if (!OpsPatterns.CommandPath().IsMatch(o.OpenClawCommand ?? ""))
        {
            failures.Add($"{section}:OpenClawCommand '{o.OpenClawCommand}' must be a plain command name or path (letters, digits, _ . + - /).");
        }

        if (!OpsPatterns.AbsoluteDirectory().IsMatch(o.LogDirectory ?? ""))
        {
            failures.Add($"{section}:LogDirectory '{o.LogDirectory}' must be an absolute path (letters, digits, _ . + - /).");
        }

        foreach (var key in o.OpenClawEnvironment.Keys)
        {
            if (!OpsPatterns.EnvironmentName().IsMatch(key))
            {
                failures.Add($"{section}:OpenClawEnvironment key '{key}' must be an upper-case environment variable name.");
            }
        }

        foreach (var (label, value) in new[]
                 {
                     ("ConnectTimeout", o.ConnectTimeout), ("CommandTimeout", o.CommandTimeout),
                     ("SmokeTestTimeout", o.SmokeTestTimeout), ("RestartReadyTimeout", o.RestartReadyTimeout),
                     ("ReadyPollInterval", o.ReadyPollInterval),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{section}:{label} must be positive.");
            }
        }

        if (o.IsConfigured)
        {
            ValidateConnection(o, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateConnection(GatewayOpsOptions o, List<string> failures)
    {
        if (!OpsPatterns.HostName().IsMatch(o.Host!))
        {
            failures.Add($"{section}:Host '{o.Host}' is not a valid host name or IP address.");
        }

        if (!string.IsNullOrWhiteSpace(o.GatewayProbeHost) && !OpsPatterns.HostName().IsMatch(o.GatewayProbeHost))
        {
            failures.Add($"{section}:GatewayProbeHost '{o.GatewayProbeHost}' is not a valid host name or IP address.");
        }

        if (o.SshPort is < 1 or > 65535)
        {
            failures.Add($"{section}:SshPort must be 1-65535 (got {o.SshPort}).");
        }

        if (string.IsNullOrWhiteSpace(o.User) || !OpsPatterns.UserName().IsMatch(o.User))
        {
            failures.Add($"{section}:User is required when {section}:Host is set and must be a plain Unix user name (got '{o.User}').");
        }

        if (string.IsNullOrWhiteSpace(o.PrivateKeyPath))
        {
            failures.Add($"{section}:PrivateKeyPath is required when {section}:Host is set (key authentication only).");
        }
        else if (!File.Exists(o.PrivateKeyPath))
        {
            failures.Add($"{section}:PrivateKeyPath '{o.PrivateKeyPath}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(o.HostKeyFingerprint))
        {
            failures.Add($"{section}:HostKeyFingerprint is required when {section}:Host is set: pin the gateway's host key as printed by "
                + "'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' (SHA256:...).");
        }
        else if (!OpsPatterns.Sha256Fingerprint().IsMatch(o.HostKeyFingerprint.TrimEnd('=')))
        {
            failures.Add($"{section}:HostKeyFingerprint must look like SHA256:<43 base64 characters> as printed by ssh-keygen -lf (got '{o.HostKeyFingerprint}').");
        }
    }
}
