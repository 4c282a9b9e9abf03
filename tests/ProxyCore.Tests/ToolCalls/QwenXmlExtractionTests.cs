using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class QwenXmlExtractionTests
{
    private static readonly ToolCatalog Tools = TestTools.Fixtures;

    private static ToolCallExtraction Extract(string content) => ToolCallExtractor.ExtractUnguarded(content, Tools);

    [Fact]
    public void Several_blocks_become_several_calls_in_order()
    {
        var result = Extract(
            "<tool_call>\n<function=read_file>\n<parameter=path>\na.cs\n</parameter>\n</function>\n</tool_call>\n" +
            "<tool_call>\n<function=read_file>\n<parameter=path>\nb.cs\n</parameter>\n</function>\n</tool_call>");

        Assert.Equal(["a.cs", "b.cs"], result.Calls.Select(c => c.ArgumentsJson).Select(a => Arg(a, "path")));
        Assert.Null(result.Content);
        Assert.Equal(ToolCallFormat.QwenXml, result.Format);
    }

    [Fact]
    public void Several_functions_inside_one_block_are_all_calls()
    {
        var result = Extract(
            "<tool_call>\n<function=get_time>\n</function>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n</function>\n</tool_call>");

        Assert.Equal(["get_time", "get_weather"], result.Calls.Select(c => c.Name));
        JsonAssert.Equivalent("{}", result.Calls[0].ArgumentsJson);
    }

    [Fact]
    public void Zero_argument_call_has_empty_object_arguments()
    {
        var result = Extract("<tool_call>\n<function=get_status>\n</function>\n</tool_call>");

        Assert.Equal("{}", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Prose_before_is_kept_verbatim_and_prose_after_is_kept_without_the_separating_blank()
    {
        var result = Extract(
            "I'll read it.\n\n<tool_call>\n<function=read_file>\n<parameter=path>\na.cs\n</parameter>\n</function>\n</tool_call>\n\nThen I'll fix it.");

        Assert.Equal("I'll read it.\n\nThen I'll fix it.", result.Content);
    }

    [Fact]
    public void Prose_between_two_calls_is_kept()
    {
        var result = Extract(
            "<tool_call>\n<function=get_time>\n</function>\n</tool_call>\nand also\n<tool_call>\n<function=get_status>\n</function>\n</tool_call>\n");

        Assert.Equal(2, result.Calls.Count);
        Assert.Equal("and also\n", result.Content);
    }

    [Fact]
    public void Unclosed_block_truncated_inside_a_value_still_yields_the_call()
    {
        // max_tokens hit mid-value: vLLM's "(.*?)$" alternatives accept the unclosed block, function and parameter.
        var result = Extract(
            "Here is the new middleware.\n\n<tool_call>\n<function=write_file>\n<parameter=path>\nsrc/M.cs\n</parameter>\n" +
            "<parameter=content>\nusing System;\n\nnamespace Proxy;\n\n\n\n");

        var call = Assert.Single(result.Calls);
        Assert.Equal("write_file", call.Name);
        Assert.Equal("src/M.cs", Arg(call.ArgumentsJson, "path"));

        // Three trailing newlines go, as in vLLM: the block's lazy "(.*?)$" and the parameter's lazy
        // "$" each stop before a final newline, then the usual one-newline trim.
        Assert.Equal("using System;\n\nnamespace Proxy;\n", Arg(call.ArgumentsJson, "content"));
        Assert.Equal("Here is the new middleware.\n\n", result.Content);
    }

    [Fact]
    public void Missing_closing_parameter_tag_ends_the_value_at_the_next_parameter()
    {
        var result = Extract("<tool_call>\n<function=read_file>\n<parameter=path>\na.cs\n<parameter=start_line>\n3\n</function>\n</tool_call>");

        JsonAssert.Equivalent("""{"path":"a.cs","start_line":3}""", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Bare_function_without_tool_call_wrapper_is_a_call_and_an_orphan_closer_goes_with_it()
    {
        var result = Extract("Running it.\n<function=run_command>\n<parameter=command>\nls\n</parameter>\n</function>\n</tool_call>\nDone.");

        JsonAssert.Equivalent("""{"command":"ls"}""", Assert.Single(result.Calls).ArgumentsJson);
        Assert.Equal("Running it.\nDone.", result.Content);
    }

    [Fact]
    public void Bare_function_is_ignored_when_the_content_has_tool_call_blocks()
    {
        var result = Extract(
            "<function=get_time>\n</function>\n<tool_call>\n<function=get_status>\n</function>\n</tool_call>");

        Assert.Equal("get_status", Assert.Single(result.Calls).Name);
        Assert.Equal("<function=get_time>\n</function>\n", result.Content);
    }

    [Fact]
    public void Undeclared_function_name_is_not_a_call_and_its_text_stays()
    {
        var content = "<tool_call>\n<function=delete_everything>\n<parameter=path>\n/\n</parameter>\n</function>\n</tool_call>";

        var result = Extract(content);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void Undeclared_block_stays_as_prose_while_a_declared_one_is_extracted()
    {
        var bogus = "<tool_call>\n<function=nope>\n</function>\n</tool_call>";
        var result = Extract(bogus + "\n<tool_call>\n<function=get_time>\n</function>\n</tool_call>");

        Assert.Equal("get_time", Assert.Single(result.Calls).Name);
        Assert.Equal(bogus + "\n", result.Content);
    }

    [Theory]
    [InlineData("<function=get_time>\n</function>\n<function=nope>\n</function>")]
    [InlineData("<function=nope>\n</function>\n<function=get_time>\n</function>")]
    [InlineData("<function=get_time>\n</function>\n<function=read_file\n</function>")]
    [InlineData("<function=get_time>\n</function>\n<function=read_file>\n<parameter=path\na\n</function>")]
    [InlineData("<function=get_time>\n</function>\n<function=>\n</function>")]
    [InlineData("<function=get_time>\n</function>\n<function=  >\n</function>")]
    public void A_block_with_one_valid_and_one_bad_function_is_no_call_and_stays_text(string functions)
    {
        // The block is all or nothing: a half-extracted block would run one call and silently drop the other.
        var content = "Doing both.\n<tool_call>\n" + functions + "\n</tool_call>";

        var result = Extract(content);

        Assert.False(result.Found);
        Assert.Empty(result.Calls);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void A_bad_block_does_not_leak_its_valid_function_into_the_next_blocks_calls()
    {
        var bad = "<tool_call>\n<function=get_time>\n</function>\n<function=nope>\n</function>\n</tool_call>";
        var good = "<tool_call>\n<function=read_file>\n<parameter=path>\na.cs\n</parameter>\n</function>\n</tool_call>";

        var result = Extract(bad + "\n" + good);

        var call = Assert.Single(result.Calls);
        Assert.Equal("read_file", call.Name);
        JsonAssert.Equivalent("""{"path":"a.cs"}""", call.ArgumentsJson);
        Assert.Equal(bad + "\n", result.Content);
    }

    [Fact]
    public void Nothing_is_extracted_when_the_request_declared_no_tools()
    {
        var content = "<tool_call>\n<function=get_time>\n</function>\n</tool_call>";

        var result = ToolCallExtractor.ExtractUnguarded(content, ToolCatalog.Empty);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
    }

    [Theory]
    [InlineData("<tool_call>\n<function=get_time\n</function>\n</tool_call>")]
    [InlineData("<tool_call>\n<function=read_file>\n<parameter=path\na.cs\n</parameter>\n</function>\n</tool_call>")]
    [InlineData("<tool_call>\n<function=>\n</function>\n</tool_call>")]
    [InlineData("<tool_call>\n</tool_call> <function=get_time>")]
    public void Malformed_xml_is_left_in_the_content(string content)
    {
        var result = Extract(content);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void Values_keep_inner_whitespace_and_only_one_newline_is_trimmed_on_each_side()
    {
        var result = Extract("<function=write_file>\n<parameter=content>\n\n  indented\r\n\n\n</parameter>\n</function>");

        Assert.Equal("\n  indented\r\n\n", Arg(Assert.Single(result.Calls).ArgumentsJson, "content"));
    }

    [Fact]
    public void Duplicate_parameter_keeps_first_position_and_last_value()
    {
        var result = Extract(
            "<function=read_file>\n<parameter=path>\na\n</parameter>\n<parameter=start_line>\n1\n</parameter>\n<parameter=path>\nb\n</parameter>\n</function>");

        Assert.Equal("""{"path":"b","start_line":1}""", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Json_body_inside_a_function_gives_empty_arguments_like_vllm()
    {
        var result = Extract("<function=read_file>{\"path\": \"a.cs\"}</function>");

        Assert.Equal("{}", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Names_are_trimmed_and_non_ascii_and_lone_surrogates_survive_as_valid_json()
    {
        var result = Extract("<function= write_file >\n<parameter= content >\nblåbær \uD800 ok\n</parameter>\n</function>");

        Assert.Equal("blåbær \uFFFD ok", Arg(Assert.Single(result.Calls).ArgumentsJson, "content"));
    }

    [Fact]
    public void Xml_format_wins_over_a_hermes_block_in_the_same_content()
    {
        var hermes = "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";
        var result = Extract(hermes + "\n<tool_call>\n<function=get_status>\n</function>\n</tool_call>");

        Assert.Equal(ToolCallFormat.QwenXml, result.Format);
        Assert.Equal("get_status", Assert.Single(result.Calls).Name);
        Assert.Equal(hermes + "\n", result.Content);
    }

    [Fact]
    public void A_block_without_a_function_stays_text_beside_a_real_call()
    {
        var empty = "<tool_call>\nhello\n</tool_call>";

        var result = Extract(empty + "\n<tool_call>\n<function=get_time>\n</function>\n</tool_call>");

        Assert.Equal("get_time", Assert.Single(result.Calls).Name);
        Assert.Equal(empty + "\n", result.Content);
    }

    [Theory]
    [InlineData("<function=write_file>\n<parameter=content>\n</parameter>\n</function>")]
    [InlineData("<function=write_file>\n<parameter=content>\n\n</parameter>\n</function>")]
    [InlineData("<function=write_file>\n<parameter=content></parameter>\n</function>")]
    [InlineData("<function=write_file>\n<parameter=content>\n")]
    [InlineData("<function=write_file>\n<parameter=content>")]
    [InlineData("<tool_call>\n<function=write_file>\n<parameter=content>\n")]
    public void A_value_of_nothing_but_its_trimmed_newlines_is_an_empty_string(string content)
    {
        var result = Extract(content);

        Assert.Equal("", Arg(Assert.Single(result.Calls).ArgumentsJson, "content"));
        Assert.Null(result.Content);
    }

    [Fact]
    public void An_unclosed_block_and_its_value_each_end_before_a_final_newline()
    {
        var result = Extract("<tool_call>\n<function=write_file>\n<parameter=content>\nline\n\n\n\n");

        // Three of the four newlines go: the block's lazy "(.*?)$" stops before the last one, the value's "$" before
        // the next, and the usual trim takes one more.
        Assert.Equal("line\n", Arg(Assert.Single(result.Calls).ArgumentsJson, "content"));
    }

    [Fact]
    public void A_function_without_a_name_is_no_call_even_when_a_tool_is_declared_with_an_empty_name()
    {
        var tools = TestTools.Catalog("""[{"type":"function","function":{"name":"","parameters":{"type":"object","properties":{}}}}]""");
        var content = "<tool_call>\n<function= >\n</function>\n</tool_call>";

        var result = ToolCallExtractor.ExtractUnguarded(content, tools);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void A_bad_block_after_a_good_one_leaves_the_good_blocks_call_in_place()
    {
        var good = "<tool_call>\n<function=get_time>\n</function>\n</tool_call>";
        var bad = "<tool_call>\n<function=get_status>\n</function>\n<function=nope>\n</function>\n</tool_call>";

        var result = Extract(good + "\n" + bad);

        Assert.Equal("get_time", Assert.Single(result.Calls).Name);
        Assert.Equal(bad, result.Content);
    }

    [Fact]
    public void Two_bare_functions_each_keep_only_their_own_parameters()
    {
        var result = Extract(
            "<function=read_file>\n<parameter=path>\na.cs\n</parameter>\n</function>\n" +
            "<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n</function>");

        Assert.Equal(["read_file", "get_weather"], result.Calls.Select(c => c.Name));
        JsonAssert.Equivalent("""{"path":"a.cs"}""", result.Calls[0].ArgumentsJson);
        JsonAssert.Equivalent("""{"city":"Oslo"}""", result.Calls[1].ArgumentsJson);
        Assert.Equal(ToolCallFormat.QwenXml, result.Format);
    }

    [Theory]
    [InlineData("<function=get_time>\n<function=get_status>\n")]
    [InlineData("<tool_call>\n<function=get_time>\n<function=get_status>\n</tool_call>")]
    public void An_unclosed_function_runs_to_the_end_of_its_text_and_takes_a_later_opener_with_it(string content)
    {
        // vLLM's "<function=(.*?)</function>|<function=(.*)$": the unclosed alternative is the rest of the text.
        var result = Extract(content);

        var call = Assert.Single(result.Calls);
        Assert.Equal("get_time", call.Name);
        Assert.Equal("{}", call.ArgumentsJson);
    }

    [Fact]
    public void Parameters_written_without_newlines_between_the_tags_are_read()
    {
        var result = Extract("<tool_call><function=read_file><parameter=path>a.cs</parameter><parameter=start_line>3</parameter></function></tool_call>");

        JsonAssert.Equivalent("""{"path":"a.cs","start_line":3}""", Assert.Single(result.Calls).ArgumentsJson);
        Assert.Null(result.Content);
    }

    [Fact]
    public void A_parameter_with_an_empty_name_is_kept_under_the_empty_key()
    {
        // Names run up to the first ">" (docs/vllm-formats.md), so this one is the empty string.
        var result = Extract("<tool_call>\n<function=get_time>\n<parameter=>\nx\n</parameter>\n</function>\n</tool_call>");

        JsonAssert.Equivalent("""{"":"x"}""", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Theory]
    [InlineData("<tool_call>\n<function=run_command>\n<parameter=command>\nls -la", "ls -la")]
    [InlineData("<tool_call>\n<function=run_command>\n<parameter=command>\nls -la\n", "ls -la")]
    [InlineData("<tool_call><function=run_command><parameter=command>ls", "ls")]
    public void An_unclosed_block_cut_off_mid_value_keeps_the_whole_value(string content, string command)
    {
        var result = Extract(content);

        Assert.Equal(command, Arg(Assert.Single(result.Calls).ArgumentsJson, "command"));
        Assert.Null(result.Content);
    }

    private static string Arg(string argumentsJson, string name)
    {
        using var document = System.Text.Json.JsonDocument.Parse(argumentsJson);
        return document.RootElement.GetProperty(name).GetString()!;
    }
}
