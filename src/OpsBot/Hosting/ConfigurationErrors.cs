using Microsoft.Extensions.Options;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Hosting;

/// <summary>
/// Configuration the service cannot start with: the proxy's own settings (<c>Proxy:*</c> and its flags) and
/// <c>OpsBot:Role</c>, the only ones allowed to stop the start. Printed as <c>opsbot: invalid configuration: …</c> lines on stderr, one per problem, each
/// naming the key (and the flag when the value came from one); the exit code is <see cref="ExitCode"/>. No stack trace:
/// it is the user's to fix.
/// </summary>
public sealed class ConfigurationErrors
{
    public const int ExitCode = 2;

    public const string Prefix = "opsbot: invalid configuration: ";

    public ConfigurationErrors(IReadOnlyList<string> problems)
    {
        ArgumentOutOfRangeException.ThrowIfZero(problems.Count);
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }

    /// <summary>Every problem with the proxy's settings, or null when it can start.</summary>
    public static ConfigurationErrors? CheckProxy(IConfiguration configuration)
    {
        var (_, proxyProblems) = ConfigurationCheck.Bind(configuration, ProxyOptions.SectionName, new ProxyOptionsValidator());
        // Which parts run is decided before anything starts: a mistyped role must not start a second bot.
        var problems = proxyProblems.Concat(OpsBotRoles.Problems(configuration)).ToList();
        return problems.Count == 0 ? null : new ConfigurationErrors(problems);
    }

    /// <summary>The problems an options or binding exception carries, or null when <paramref name="exception"/> is something else.</summary>
    public static ConfigurationErrors? From(Exception exception) => exception switch
    {
        OptionsValidationException validation => new ConfigurationErrors([.. validation.Failures]),
        InvalidOperationException { InnerException: FormatException or ArgumentException } binding => new ConfigurationErrors([$"{binding.Message} {binding.InnerException!.Message}"]),
        AggregateException aggregate when aggregate.InnerExceptions.Select(From).ToList() is var inner && inner.All(e => e is not null) =>
            new ConfigurationErrors([.. inner.SelectMany(e => e!.Problems)]),
        _ => null,
    };

    /// <summary>Writes one <c>opsbot: invalid configuration: …</c> line per problem and answers <see cref="ExitCode"/>.</summary>
    public int Report(TextWriter error)
    {
        foreach (var problem in Problems)
        {
            error.WriteLine(Prefix + problem);
        }

        return ExitCode;
    }
}
