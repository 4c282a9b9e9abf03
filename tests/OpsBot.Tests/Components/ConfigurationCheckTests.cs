using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using OpsBot.Alerts;
using OpsBot.Discord;
using OpsBot.Hosting;

namespace OpsBot.Tests.Components;

public sealed class ConfigurationCheckTests
{
    private static IConfiguration Configuration(string[] args, Dictionary<string, string?>? settings = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).AddCommandLine(args, CommandLine.SwitchMappings).Build();

    [Theory]
    [InlineData(new[] { "--port", "abc" }, "Proxy:Port (--port): 'abc' is not a whole number.")]
    [InlineData(new[] { "--Proxy:UpstreamTimeout=banana" }, "Proxy:UpstreamTimeout (--Proxy:UpstreamTimeout): 'banana' is not a duration such as 00:05:00")]
    [InlineData(new[] { "--Proxy:ToolStreaming=bogus" }, "Proxy:ToolStreaming (--Proxy:ToolStreaming): 'bogus' is not one of buffer, stream.")]
    [InlineData(new[] { "--Proxy:ToolStreaming=7" }, "Proxy:ToolStreaming (--Proxy:ToolStreaming): '7' is not one of buffer, stream.")]
    [InlineData(new[] { "--vllm-url", "not-a-url" }, "Proxy:VllmUrl (--vllm-url) must be an absolute http(s) URL")]
    [InlineData(new[] { "--max-tool-calls", "0" }, "Proxy:MaxToolCalls (--max-tool-calls): The field MaxToolCalls must be between 1 and 10000.")]
    public void Proxy_problems_name_the_key_and_the_flag_they_came_from(string[] args, string expected)
    {
        var errors = ConfigurationErrors.CheckProxy(Configuration(args));

        Assert.NotNull(errors);
        var problem = Assert.Single(errors.Problems);
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void A_value_from_settings_names_only_the_key_and_every_problem_is_listed()
    {
        var errors = ConfigurationErrors.CheckProxy(Configuration([], new() { ["Proxy:Port"] = "x", ["Proxy:MaxWaitingRequests"] = "many" }));

        Assert.Equal(["Proxy:MaxWaitingRequests: 'many' is not a whole number.", "Proxy:Port: 'x' is not a whole number."], errors!.Problems.Order());
        Assert.Null(ConfigurationErrors.CheckProxy(Configuration(["--port", "8003", "--vllm-url", "http://127.0.0.1:8000"])));
    }

    [Fact]
    public void Report_writes_one_prefixed_line_per_problem_and_answers_exit_code_2()
    {
        var error = new StringWriter();

        var exit = new ConfigurationErrors(["Proxy:Port (--port): 'abc' is not a whole number.", "Proxy:Host (--host) must be an IP address"]).Report(error);

        Assert.Equal(2, exit);
        Assert.Equal(
            "opsbot: invalid configuration: Proxy:Port (--port): 'abc' is not a whole number.\nopsbot: invalid configuration: Proxy:Host (--host) must be an IP address\n",
            error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Exceptions_that_escape_anyway_become_the_same_lines_and_others_stay_exceptions()
    {
        var binding = new InvalidOperationException("Failed to convert configuration value 'abc' at 'Proxy:Port' to type 'System.Int32'.", new FormatException("abc is not a valid value for Int32."));

        Assert.Equal(["Failed to convert configuration value 'abc' at 'Proxy:Port' to type 'System.Int32'. abc is not a valid value for Int32."], ConfigurationErrors.From(binding)!.Problems);
        Assert.Equal(["Proxy:Port must be 1-65535"], ConfigurationErrors.From(new Microsoft.Extensions.Options.OptionsValidationException("Proxy", typeof(object), ["Proxy:Port must be 1-65535"]))!.Problems);
        Assert.Null(ConfigurationErrors.From(new InvalidOperationException("a bug")));
    }

    [Fact]
    public void Nested_sections_arrays_and_dictionaries_are_checked_key_by_key_then_validated()
    {
        var configuration = Configuration([], new()
        {
            ["Alerts:Health:ThrottleInterval"] = "soon",
            ["Alerts:Delivery:MaxQueued"] = "lots",
            ["Discord:AdminRoleIds:0"] = "123",
            ["Discord:AdminRoleIds:1"] = "ops-role",
            ["Discord:Token"] = "abc.def.ghi",
        });

        var (_, alerts) = ConfigurationCheck.Bind(configuration, AlertOptions.SectionName, new AlertOptionsValidator());
        var (_, discord) = ConfigurationCheck.Bind(configuration, DiscordOptions.SectionName, new DiscordOptionsValidator());
        var (bound, valid) = ConfigurationCheck.Bind(Configuration([], new() { ["Discord:Token"] = "abc.def.ghi", ["Discord:GuildId"] = "42" }), DiscordOptions.SectionName, new DiscordOptionsValidator());

        Assert.Equal(["Alerts:Health:ThrottleInterval: 'soon' is not a duration such as 00:05:00 (hh:mm:ss) or 1.00:00:00 (days).", "Alerts:Delivery:MaxQueued: 'lots' is not a whole number."], alerts.OrderByDescending(p => p.Contains("Health", StringComparison.Ordinal)));
        Assert.Equal(["Discord:AdminRoleIds:1: 'ops-role' is not a positive whole number (a Discord id)."], discord);
        Assert.Empty(valid);
        Assert.Equal(42UL, bound.GuildId);
    }

    [Fact]
    public void Data_annotations_are_reported_with_the_key()
    {
        var (_, problems) = ConfigurationCheck.Bind(Configuration([], new() { ["Sample:Count"] = "0" }), "Sample", validator: null as Microsoft.Extensions.Options.IValidateOptions<Sample>);

        Assert.Equal(["Sample:Count: The field Count must be between 1 and 5."], problems);
    }

    public sealed class Sample
    {
        [Range(1, 5)]
        public int Count { get; set; } = 1;
    }
}
