using System.Reflection;

namespace OpsBot.Discord.Interactions;

public sealed record ComponentCommandInfo(
    string Pattern,
    Type ModuleType,
    MethodInfo Method,
    IReadOnlyList<PreconditionAttribute> Preconditions)
    : CommandInfo(ModuleType, Method, Preconditions)
{
    public override string LogName => $"button {Pattern}";

    /// <summary>Matches a custom_id against the pattern and returns the wildcard captures, or null when it does not match.</summary>
    public IReadOnlyList<string>? Match(string customId)
    {
        var expected = Pattern.Split(':');
        var actual = customId.Split(':');
        if (expected.Length != actual.Length)
        {
            return null;
        }

        var captures = new List<string>();
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] == "*")
            {
                captures.Add(actual[i]);
            }
            else if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return captures;
    }

    /// <summary>The handler's arguments: the wildcard captures in order, and the <see cref="CancellationToken"/>.</summary>
    public ParseResult ParseArguments(IReadOnlyList<string> captures, CancellationToken cancellationToken)
    {
        var parameters = Method.GetParameters();
        var arguments = new object?[parameters.Length];
        var next = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            arguments[i] = parameters[i].ParameterType == typeof(CancellationToken) ? cancellationToken : captures[next++];
        }

        return ParseResult.FromSuccess(arguments);
    }
}
