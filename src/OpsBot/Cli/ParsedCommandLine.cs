using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace OpsBot.Cli;

/// <summary>
/// One parsed opsbot command line: the service to run (with its host arguments), a CLI verb, help, or mistakes.
/// Mistakes come in two kinds: a mistaken service flag is a configuration error (exit 2, "invalid configuration",
/// as the same value in appsettings would be); a mistaken verb or verb option is a usage error (exit 64).
/// </summary>
public sealed class ParsedCommandLine
{
    private readonly string? _overrideError;

    internal ParsedCommandLine(OpsBotCommandLine definition, ParseResult result, IReadOnlyList<string> hostArguments, string? overrideError)
    {
        Definition = definition;
        Result = result;
        HostArguments = hostArguments;
        _overrideError = overrideError;
    }

    public OpsBotCommandLine Definition { get; }

    public ParseResult Result { get; }

    /// <summary>What configures the host: the service flags as given, and <c>--Section:Key=value</c> settings.</summary>
    public IReadOnlyList<string> HostArguments { get; }

    public Command Command => Result.CommandResult.Command;

    /// <summary>
    /// Help, version (or a completion directive) was asked for: System.CommandLine answers it. Verbs have no
    /// action of their own and the root's only marks "run the service", so any other action is one of these.
    /// </summary>
    public bool IsInformational => Result.Action is { } action && action is not ParseErrorAction && !ReferenceEquals(action, Definition.Root.Action);

    public bool HasErrors => _overrideError is not null || (Result.Errors.Count > 0 && !IsInformational);

    /// <summary>No verb, no mistake, no help: run the proxy and the bot.</summary>
    public bool RunsService => !HasErrors && !IsInformational && ReferenceEquals(Command, Definition.Root);

    /// <summary>
    /// The mistakes, each as one sentence, and whether they are the service's configuration (exit 2) rather than
    /// the CLI's usage (exit 64).
    /// </summary>
    public (IReadOnlyList<string> Messages, bool IsConfiguration) Errors()
    {
        var messages = new List<string>();
        var forService = ReferenceEquals(Command, Definition.Root);
        if (_overrideError is not null)
        {
            messages.Add(_overrideError);
        }

        var unknownWords = false;
        foreach (var token in Result.UnmatchedTokens)
        {
            if (token.StartsWith('-'))
            {
                messages.Add(forService
                    ? $"unknown flag {token} (the service takes --port, --vllm-url, --host, --max-tool-calls, and any setting as --Section:Key VALUE)"
                    : $"unknown option {token}");
            }
            else
            {
                unknownWords = true;
                messages.Add(forService ? $"unknown command '{token}' (commands: {Definition.VerbNames})" : $"unexpected '{token}'");
            }
        }

        foreach (var error in Result.Errors)
        {
            if (error.SymbolResult is null || (error.SymbolResult is CommandResult && Result.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))))
            {
                // Unmatched tokens, already said above in our words.
                continue;
            }

            messages.Add(error.SymbolResult switch
            {
                OptionResult { Tokens.Count: 0 } option when Definition.KeyOf(option.Option) is { } key => $"{option.IdentifierToken?.Value ?? option.Option.Name} ({key}) needs a value",
                OptionResult { Tokens.Count: 0 } option => $"{option.IdentifierToken?.Value ?? option.Option.Name} needs a value",
                ArgumentResult { Tokens.Count: 0 } argument => $"which {argument.Argument.Name}? ({string.Join(", ", argument.Argument.GetCompletions(CompletionContext.Empty).Select(c => c.Label))})",
                _ => error.Message.TrimEnd('.'),
            });
        }

        return (messages.Distinct().ToList(), forService && !unknownWords);
    }

    /// <summary>The verb as typed, for "opsbot logs: …" and "Try 'opsbot logs --help'".</summary>
    public string CommandPath => ReferenceEquals(Command, Definition.Root) ? OpsBotCommandLine.ProgramName : $"{OpsBotCommandLine.ProgramName} {Command.Name}";
}
