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
        var errors = new ValidateOptionsResultBuilder();

        if (!OpsPatterns.UnitName().IsMatch(o.UnitName ?? ""))
        {
            errors.AddError($"{section}:UnitName '{o.UnitName}' must be a systemd service name like openclaw-gateway.service.");
        }

        if (o.GatewayPort is < 1 or > 65535)
        {
            errors.AddError($"{section}:GatewayPort must be 1-65535 (got {o.GatewayPort}).");
        }

        if (!OpsPatterns.CommandPath().IsMatch(o.OpenClawCommand ?? ""))
        {
            errors.AddError($"{section}:OpenClawCommand '{o.OpenClawCommand}' must be a plain command name or path (letters, digits, _ . + - /).");
        }

        if (!OpsPatterns.AbsoluteDirectory().IsMatch(o.LogDirectory ?? ""))
        {
            errors.AddError($"{section}:LogDirectory '{o.LogDirectory}' must be an absolute path (letters, digits, _ . + - /).");
        }

        foreach (var key in o.OpenClawEnvironment.Keys)
        {
            if (!OpsPatterns.EnvironmentName().IsMatch(key))
            {
                errors.AddError($"{section}:OpenClawEnvironment key '{key}' must be an upper-case environment variable name.");
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
                errors.AddError($"{section}:{label} must be positive.");
            }
        }

        if (o.IsConfigured)
        {
            ValidateConnection(o, errors);
        }

        return errors.Build();
    }

    private void ValidateConnection(GatewayOpsOptions o, ValidateOptionsResultBuilder errors)
    {
        if (!OpsPatterns.HostName().IsMatch(o.Host!))
        {
            errors.AddError($"{section}:Host '{o.Host}' is not a valid host name or IP address.");
        }

        if (!string.IsNullOrWhiteSpace(o.GatewayProbeHost) && !OpsPatterns.HostName().IsMatch(o.GatewayProbeHost))
        {
            errors.AddError($"{section}:GatewayProbeHost '{o.GatewayProbeHost}' is not a valid host name or IP address.");
        }

        if (o.SshPort is < 1 or > 65535)
        {
            errors.AddError($"{section}:SshPort must be 1-65535 (got {o.SshPort}).");
        }

        if (string.IsNullOrWhiteSpace(o.User) || !OpsPatterns.UserName().IsMatch(o.User))
        {
            errors.AddError($"{section}:User is required when {section}:Host is set and must be a plain Unix user name (got '{o.User}').");
        }

        if (string.IsNullOrWhiteSpace(o.PrivateKeyPath))
        {
            errors.AddError($"{section}:PrivateKeyPath is required when {section}:Host is set (key authentication only).");
        }
        else if (!File.Exists(o.PrivateKeyPath))
        {
            errors.AddError($"{section}:PrivateKeyPath '{o.PrivateKeyPath}' does not exist.");
        }

        if (string.IsNullOrWhiteSpace(o.HostKeyFingerprint))
        {
            errors.AddError($"{section}:HostKeyFingerprint is required when {section}:Host is set: pin the gateway's host key as printed by "
                + "'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub' (SHA256:...).");
        }
        else if (!OpsPatterns.Sha256Fingerprint().IsMatch(o.HostKeyFingerprint.TrimEnd('=')))
        {
            errors.AddError($"{section}:HostKeyFingerprint must look like SHA256:<43 base64 characters> as printed by ssh-keygen -lf (got '{o.HostKeyFingerprint}').");
        }
    }
}
