using OpsBot.Cli;

namespace OpsBot.Tests.Cli;

/// <summary>The command line as a Unix tool reads it: --help everywhere, mistakes on stderr with exit 64, bad service flags exit 2.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int? Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var commandLine = new OpsBotCommandLine().Parse(args);
        if (commandLine.RunsService)
        {
            return (null, "", "");
        }

        // Help and mistakes never need the service's composition.
        var exit = await new CliApp(new CliConsole(output, error), _ => throw new InvalidOperationException("no services for help or mistakes")).RunAsync(commandLine, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("status", "--help")]
    [InlineData("logs", "--help")]
    [InlineData("smoke", "-h")]
    [InlineData("history", "--help")]
    [InlineData("check-config", "--help")]
    public async Task Every_verb_has_help_on_stdout_within_80_columns(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        // The root's name is the executable's (opsbot when installed, testhost here).
        Assert.Contains(args.Length == 1 ? " [command] [options]" : $" {args[0]} ", output);
        Assert.All(output.Split('\n'), line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
    }

    [Fact]
    public async Task Logs_help_names_the_services_and_the_line_limit()
    {
        var (_, output, _) = await RunAsync("logs", "--help");

        Assert.Contains(" logs <service> [options]", output);
        Assert.Contains("vllm (from Docker), proxy", output);
        Assert.Contains("-n, --lines <N>", output);
        Assert.Contains("1–500", output);
    }

    [Theory]
    [InlineData(new[] { "logs", "proxy", "-n", "9999" }, "opsbot: logs: lines must be 1–500 (got 9999)")]
    [InlineData(new[] { "logs", "proxy", "-n", "0" }, "opsbot: logs: lines must be 1–500 (got 0)")]
    [InlineData(new[] { "logs", "proxy", "--lines=many" }, "opsbot: logs: lines must be a whole number, 1–500 (got 'many')")]
    [InlineData(new[] { "logs" }, "opsbot: logs: which service? (gateway, proxy, vllm)")]
    [InlineData(new[] { "logs", "database" }, "opsbot: logs: unknown service 'database' (vllm, proxy or gateway)")]
    [InlineData(new[] { "logs", "proxy", "--follow" }, "opsbot: logs: unknown option --follow")]
    [InlineData(new[] { "status", "now" }, "opsbot: status: unexpected 'now'")]
    [InlineData(new[] { "smoke", "everything" }, "opsbot: smoke: unknown smoke test 'everything' (tests: proxy-direct, 2+2, list-tmp, all)")]
    [InlineData(new[] { "history", "--hours", "9999" }, "opsbot: history: hours must be 1–2160 (got 9999)")]
    [InlineData(new[] { "statsu" }, "opsbot: unknown command 'statsu' (commands: status, logs, smoke, history, chart, check-config)")]
    public async Task Usage_errors_say_what_is_wrong_on_stderr_and_exit_64(string[] args, string message)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CliApp.ExitUsage, exit);
        Assert.Equal("", output);
        var lines = error.Replace("\n  ", " ").TrimEnd('\n').Split('\n');
        Assert.Equal(message, lines[0]);
        Assert.StartsWith("Try 'opsbot", lines[^1]);
    }

    [Theory]
    [InlineData(new[] { "--port" }, "opsbot: invalid configuration: --port (Proxy:Port) needs a value")]
    [InlineData(new[] { "--vllm-url", "http://127.0.0.1:8000", "--host" }, "opsbot: invalid configuration: --host (Proxy:Host) needs a value")]
    [InlineData(new[] { "--port", "8003", "--verbose" }, "opsbot: invalid configuration: unknown flag --verbose (the service takes --port, --vllm-url, --host, --max-tool-calls, and any setting as --Section:Key VALUE)")]
    [InlineData(new[] { "--Proxy:ToolStreaming" }, "opsbot: invalid configuration: --Proxy:ToolStreaming needs a value (--Proxy:ToolStreaming=VALUE or --Proxy:ToolStreaming VALUE)")]
    public async Task A_mistaken_service_flag_is_a_configuration_error_naming_it_with_exit_2(string[] args, string message)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(CliApp.ExitConfigProblems, exit);
        Assert.Equal("", output);
        Assert.Equal(message, error.Replace("\n  ", " ").TrimEnd('\n'));
    }

    [Fact]
    public void Service_flags_stay_strings_for_configuration_to_validate()
    {
        // "--port abc" is not the parser's to judge: binding reports it naming Proxy:Port, like the same value in appsettings.
        var commandLine = new OpsBotCommandLine().Parse(["--port", "abc", "--vllm-url=not-a-url", "--max-tool-calls", "-1"]);

        Assert.True(commandLine.RunsService);
        Assert.Equal(["--port", "abc", "--vllm-url", "not-a-url", "--max-tool-calls", "-1"], commandLine.HostArguments);
    }

    [Fact]
    public void No_arguments_run_the_service_with_its_defaults()
    {
        var commandLine = new OpsBotCommandLine().Parse([]);

        Assert.True(commandLine.RunsService);
        Assert.Empty(commandLine.HostArguments);
    }
}
