using System.Text.RegularExpressions;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>
/// The shell blocks of docs/deploy.md that the deployment test runs as written: each follows a
/// <c>&lt;!-- deploy-test: NAME --&gt;</c> line, so the guide and the test cannot drift apart.
/// </summary>
public sealed partial class DeployGuide
{
    private readonly Dictionary<string, string> _blocks;

    private DeployGuide(string text, Dictionary<string, string> blocks)
    {
        Text = text;
        _blocks = blocks;
    }

    public static string FilePath => Path.Combine(RepositoryPaths.Root, "docs", "deploy.md");

    public string Text { get; }

    public IReadOnlyCollection<string> BlockNames => _blocks.Keys;

    public static DeployGuide Load() => Parse(File.ReadAllText(FilePath));

    public static DeployGuide Parse(string markdown)
    {
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match match in MarkedBlock().Matches(markdown.ReplaceLineEndings("\n")))
        {
            if (!blocks.TryAdd(match.Groups["name"].Value, match.Groups["body"].Value + "\n"))
            {
                throw new InvalidOperationException($"docs/deploy.md marks two blocks as deploy-test: {match.Groups["name"].Value}");
            }
        }

        return new DeployGuide(markdown, blocks);
    }

    public string Block(string name) =>
        _blocks.TryGetValue(name, out var block)
            ? block
            : throw new InvalidOperationException($"docs/deploy.md has no ```sh block after <!-- deploy-test: {name} -->");

    [GeneratedRegex(@"^<!-- deploy-test: (?<name>[a-z0-9-]+) -->\n```sh\n(?<body>.*?)\n```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();
}
