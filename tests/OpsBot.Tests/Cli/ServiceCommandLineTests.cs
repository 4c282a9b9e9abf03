using OpsBot.Cli;
using OpsBot.Hosting;

namespace OpsBot.Tests.Cli;

/// <summary>
/// The service's fast command-line path: whatever it accepts, the full System.CommandLine parse runs the service with
/// exactly the same host arguments; everything else (mistakes, verbs, help) is left to the full parse.
/// </summary>
public sealed class ServiceCommandLineTests
{
    // Flags, values, verbs, help, settings in both forms, and the tokens that trip parsers: "--", empty, flag-like and directive-like values.
    private static readonly string[] Alphabet =
    [
        "--port", "--vllm-url", "--host", "--max-tool-calls", "8003", "http://127.0.0.1:8000", "0.0.0.0", "-1", "",
        "status", "logs", "--help", "-h", "--", "[diagram]", "@args.rsp", "--Proxy:ToolStreaming=buffer", "--OpsBot:Role",
        "proxy", "--port=8004", "--unknown", "STATUS",
    ];

    private static readonly string[] Values = ["8003", "http://127.0.0.1:8000", "0.0.0.0", "x y", "--Proxy:ToolStreaming=buffer"];

    private static readonly OpsBotCommandLine Full = new();

    [Theory]
    [InlineData("--port", "8003", "--vllm-url", "http://127.0.0.1:8000")]
    [InlineData("--port", "18003", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9000", "--Proxy:ToolStreaming=stream")]
    [InlineData("--vllm-url", "http://a:8000,http://b:8000", "--max-tool-calls", "5", "--port", "8003", "--port", "8005")]
    [InlineData]
    public void The_units_and_the_benchs_command_lines_take_the_fast_path_with_the_full_parses_result(params string[] args)
    {
        var fast = ServiceCommandLine.TryParse(args);

        Assert.NotNull(fast);
        AssertSameAsFullParse(args, fast);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--port", "-1")]
    [InlineData("--port=8003")]
    [InlineData("--port", "8003", "status")]
    [InlineData("status")]
    [InlineData("--help")]
    [InlineData("--Proxy:Port")]
    [InlineData("--port", "8003", "--", "x")]
    public void Anything_but_plain_service_flags_is_left_to_the_full_parse(params string[] args) =>
        Assert.Null(ServiceCommandLine.TryParse(args));

    [Fact]
    public void Every_command_line_of_up_to_three_tokens_the_fast_path_accepts_parses_the_same_in_full()
    {
        var accepted = 0;
        foreach (var args in Sequences(3))
        {
            if (ServiceCommandLine.TryParse(args) is { } fast)
            {
                accepted++;
                AssertSameAsFullParse(args, fast);
            }
        }

        // Not vacuous: the alphabet's flag/value pairs and settings are accepted.
        Assert.True(accepted > 50, $"only {accepted} accepted");
    }

    [Fact]
    public void Random_longer_command_lines_the_fast_path_accepts_parse_the_same_in_full()
    {
        var random = new Random(17);
        var accepted = 0;
        for (var n = 0; n < 4000; n++)
        {
            // Mostly flag/value pairs, so that long accepted lines exist at all.
            var args = Enumerable.Range(0, random.Next(4, 9))
                .Select(i => random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : i % 2 == 0 ? Alphabet[random.Next(4)] : Values[random.Next(Values.Length)])
                .ToArray();
            if (ServiceCommandLine.TryParse(args) is { } fast)
            {
                accepted++;
                AssertSameAsFullParse(args, fast);
            }
        }

        Assert.True(accepted > 100, $"only {accepted} accepted");
    }

    private static void AssertSameAsFullParse(string[] args, IReadOnlyList<string> fast)
    {
        var full = Full.Parse(args);
        Assert.True(full.RunsService, $"[{string.Join(' ', args)}]: the full parse does not run the service");
        Assert.Equal(full.HostArguments, fast);
    }

    private static IEnumerable<string[]> Sequences(int maxLength)
    {
        IEnumerable<string[]> current = [[]];
        yield return [];
        for (var length = 1; length <= maxLength; length++)
        {
            current = current.SelectMany(prefix => Alphabet.Select(token => (string[])[.. prefix, token])).ToList();
            foreach (var sequence in current)
            {
                yield return sequence;
            }
        }
    }
}
