using Microsoft.Extensions.Options;
using OpsBot.Admin;
using OpsBot.Components;
using OpsBot.Hosting;
using OpsBot.History;

namespace OpsBot.Operations;

/// <summary>
/// <c>opsbot check-config</c>: every configuration problem, without starting anything: the proxy's (exit 2 at start), each
/// component's (which disable it) and any other ValidateOnStart registration. Messages are redacted against secret-looking values.
/// </summary>
public sealed class ConfigCheck(
    IConfiguration configuration,
    IStartupValidator? startupValidator = null,
    ComponentStates? states = null,
    HistoryDatabase? database = null,
    IHostEnvironment? environment = null,
    IOptions<AdminOptions>? admin = null)
{
    public ConfigCheckReport Run()
    {
        var secrets = ConfigurationSecrets.Values(configuration);
        // The proxy's settings (which stop the start), every component's (which disable it), then anything else
        // registered with ValidateOnStart. Each problem is one line naming its key.
        var found = new List<string>();
        if (ConfigurationErrors.CheckProxy(configuration) is { } proxy)
        {
            found.AddRange(proxy.Problems);
        }

        found.AddRange(states?.ConfigurationProblems ?? []);
        try
        {
            startupValidator?.Validate();
        }
        catch (Exception ex)
        {
            found.AddRange(Failures(ex));
        }

        var problems = found.Select(p => ConfigurationSecrets.Redact(p, secrets)).Distinct(StringComparer.Ordinal).ToList();
        var notes = new List<string>();
        foreach (var component in states?.Snapshot().Where(c => c.State == ComponentState.Off) ?? [])
        {
            notes.Add($"{component.Name}: off ({component.Reason}): {ComponentNames.WhatStops[component.Name]}");
        }

        if (database is not null)
        {
            notes.Add($"history database: {database.DatabasePath}");
        }

        if (admin is not null)
        {
            notes.Add(admin.Value.Enabled ? $"admin socket: {AdminSocketPath.Resolve(admin.Value, environment)}" : "admin socket: off (Admin:Enabled is false)");
        }

        if (environment is not null)
        {
            notes.Add($"environment: {environment.EnvironmentName}, settings from {environment.ContentRootPath}");
        }

        return new ConfigCheckReport(problems, notes);
    }

    private static IEnumerable<string> Failures(Exception exception)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                foreach (var failure in validation.Failures)
                {
                    yield return failure;
                }

                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.Flatten().InnerExceptions.SelectMany(Failures))
                {
                    yield return inner;
                }

                break;
            default:
                // Binding errors ("Failed to convert configuration value at 'Proxy:Port'") land here.
                yield return exception.InnerException is { } inner2 && exception is InvalidOperationException
                    ? $"{exception.Message} {inner2.Message}"
                    : exception.Message;
                break;
        }
    }
}
