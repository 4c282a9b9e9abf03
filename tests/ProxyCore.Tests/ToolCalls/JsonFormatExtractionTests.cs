using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class JsonFormatExtractionTests
{
    private static ToolCallExtraction Extract(string content) => ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures);

    [Fact]
    public void Hermes_arguments_given_as_a_json_string_are_decoded_to_an_object()
    {
        var result = Extract("<tool_call>\n{\"name\": \"read_file\", \"arguments\": \"{\\\"path\\\": \\\"a.cs\\\"}\"}\n</tool_call>");

        Assert.Equal("""{"path":"a.cs"}""", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Theory]
    [InlineData("{\"name\": \"get_time\"}")]
    [InlineData("{\"name\": \"get_time\", \"arguments\": \"\"}")]
    [InlineData("{\"name\": \"get_time\", \"arguments\": null}")]
    [InlineData("{\"name\": \"get_time\", \"arguments\": \"  \"}")]
    public void Missing_or_empty_arguments_mean_an_empty_object(string call)
    {
        var result = Extract(call);

        Assert.Equal("{}", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Theory]
    [InlineData("{\"name\": \"get_time\", \"arguments\": [1]}")]
    [InlineData("{\"name\": \"get_time\", \"arguments\": 5}")]
    [InlineData("{\"name\": \"get_time\", \"arguments\": \"[1]\"}")]
    [InlineData("{\"name\": \"get_time\", \"arguments\": \"{broken\"}")]
    [InlineData("{\"name\": 5, \"arguments\": {}}")]
    [InlineData("{\"arguments\": {}}")]
    [InlineData("{\"name\": \"get_time\", \"description\": \"Get the time\", \"parameters\": {\"type\": \"object\"}}")]
    public void Objects_that_are_not_calls_stay_in_the_content(string content)
    {
        var result = Extract(content);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void Arguments_win_over_parameters_when_both_are_present()
    {
        var result = Extract("{\"name\": \"read_file\", \"parameters\": {\"path\": \"p\"}, \"arguments\": {\"path\": \"a\"}}");

        Assert.Equal("""{"path":"a"}""", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Undeclared_tool_name_in_json_is_not_a_call()
    {
        var content = "{\"name\": \"rm_rf\", \"arguments\": {\"path\": \"/\"}}";

        Assert.Same(content, Extract(content).Content);
        Assert.False(Extract(content).Found);
    }

    [Fact]
    public void Array_with_one_undeclared_call_is_not_taken_at_all()
    {
        var content = "[{\"name\": \"read_file\", \"arguments\": {}}, {\"name\": \"nope\", \"arguments\": {}}]";

        Assert.False(Extract(content).Found);
    }

    [Fact]
    public void One_call_per_line_is_json_lines()
    {
        var result = Extract(
            "{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"b\"}}\n");

        Assert.Equal(ToolCallFormat.JsonLines, result.Format);
        Assert.Equal(2, result.Calls.Count);
        Assert.Null(result.Content);
    }

    [Fact]
    public void Call_after_prose_on_the_same_line_is_found_by_its_name_key()
    {
        var result = Extract("Calling: {\"name\": \"get_time\", \"arguments\": {\"timezone\": \"UTC\"}} now.");

        Assert.Equal("get_time", Assert.Single(result.Calls).Name);
        Assert.Equal("Calling: now.", result.Content);
    }

    [Fact]
    public void Braces_inside_strings_do_not_confuse_the_scanner()
    {
        var result = Extract(
            "Writing:\n{\n  \"name\": \"write_file\",\n  \"arguments\": {\"path\": \"x}\", \"content\": \"if (a) { b(\\\"}\\\"); }\\n\"}\n}\ntrailing");

        var call = Assert.Single(result.Calls);
        JsonAssert.Equivalent("""{"path":"x}","content":"if (a) { b(\"}\"); }\n"}""", call.ArgumentsJson);
        Assert.Equal("Writing:\ntrailing", result.Content);
    }

    [Fact]
    public void Prose_with_braces_and_json_data_that_is_not_a_call_is_untouched()
    {
        var content = "Use this config:\n{\n  \"name\": \"my-app\",\n  \"version\": 2\n}\nand call foo({x}).\n[1, 2, 3]\n{ not json }";

        var result = Extract(content);

        Assert.False(result.Found);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void Truncated_json_call_is_not_a_call()
    {
        var content = "{\"name\": \"read_file\", \"arguments\": {\"path\": \"a.c";

        Assert.False(Extract(content).Found);
    }

    [Fact]
    public void Hermes_block_may_be_unclosed_and_hold_several_calls()
    {
        var result = Extract("<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n{\"name\": \"get_status\", \"arguments\": {}}\n");

        Assert.Equal(ToolCallFormat.Hermes, result.Format);
        Assert.Equal(["get_time", "get_status"], result.Calls.Select(c => c.Name));
    }

    [Fact]
    public void Tools_tag_with_one_call_per_line()
    {
        var result = Extract(
            "<tools>\n{\"name\": \"get_time\", \"arguments\": {}}\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Bergen\"}}\n</tools>\nok");

        Assert.Equal(ToolCallFormat.ToolsTag, result.Format);
        Assert.Equal(2, result.Calls.Count);
        Assert.Equal("ok", result.Content);
    }

    [Fact]
    public void Mistral_v11_name_args_form_is_a_call()
    {
        var result = Extract("[TOOL_CALLS]search[ARGS]{\"query\": \"x\", \"max_results\": 2}[TOOL_CALLS]get_time[ARGS]{}");

        Assert.Equal(ToolCallFormat.MistralToolCalls, result.Format);
        Assert.Equal(["search", "get_time"], result.Calls.Select(c => c.Name));
        JsonAssert.Equivalent("""{"query":"x","max_results":2}""", result.Calls[0].ArgumentsJson);
        Assert.Null(result.Content);
    }

    [Fact]
    public void Python_tag_keeps_prose_before_and_stops_at_an_invalid_follow_up()
    {
        var result = Extract("Checking.\n<|python_tag|>{\"name\": \"get_time\", \"parameters\": {}}; {\"name\": \"nope\", \"parameters\": {}}");

        Assert.Equal("get_time", Assert.Single(result.Calls).Name);
        Assert.Equal("Checking.\n; {\"name\": \"nope\", \"parameters\": {}}", result.Content);
    }

    [Theory]
    [InlineData("```\n{\"name\": \"get_time\", \"arguments\": {}}\n```")]
    [InlineData("```JSON\n{\"name\": \"get_time\", \"arguments\": {}}\n```")]
    [InlineData("```json\n[{\"name\": \"get_time\", \"arguments\": {}}]")]
    public void Fence_without_language_uppercase_or_unclosed_is_accepted(string content)
    {
        var result = Extract(content);

        Assert.Equal(ToolCallFormat.FencedJson, result.Format);
        Assert.Equal("get_time", Assert.Single(result.Calls).Name);
    }

    [Fact]
    public void Fence_in_another_language_is_not_a_call_fence()
    {
        var content = "```python\n{\"name\": \"get_time\", \"arguments\": {}}\n```";

        var result = Extract(content);

        // The fence is not taken, but the call object on its own line still is (the bare-JSON rule).
        Assert.Equal(ToolCallFormat.BareJson, result.Format);
        Assert.Equal("```python\n```", result.Content);
    }

    [Fact]
    public void Non_ascii_and_escapes_in_arguments_round_trip()
    {
        var result = Extract("{\"name\": \"write_file\", \"arguments\": {\"content\": \"blåbær \\u00e6 \\ud83d\\ude00 \\t<tag>&\"}}");

        JsonAssert.Equivalent("{\"content\":\"blåbær æ 😀 \\t<tag>&\"}", Assert.Single(result.Calls).ArgumentsJson);
        Assert.Contains("blåbær", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Lone_surrogate_escapes_become_replacement_chars_not_invalid_json()
    {
        var result = Extract("{\"name\": \"write_file\", \"arguments\": {\"content\": \"a\\ud800b\"}}");

        JsonAssert.Equivalent("{\"content\":\"a\uFFFDb\"}", Assert.Single(result.Calls).ArgumentsJson);
    }
}
