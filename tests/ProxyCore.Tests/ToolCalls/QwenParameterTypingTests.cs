using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>docs/vllm-formats.md, "Parameter typing" (vLLM v0.15 <c>_convert_param_value</c>), one row per case.</summary>
public sealed class QwenParameterTypingTests
{
    public static TheoryData<string, string, string> Rows => new()
    {
        // "null" in any letter case is null for every type, strings included.
        { """{"type":"string"}""", "null", "null" },
        { """{"type":"string"}""", "NULL", "null" },
        { """{"type":"integer"}""", "Null", "null" },
        { """{"type":"object"}""", "null", "null" },
        { """{"type":"boolean"}""", "null", "null" },

        // No top-level "type" (anyOf/oneOf/$ref/enum-only): raw string, even when it looks like JSON.
        { """{"anyOf":[{"type":"object"},{"type":"null"}]}""", """{"a": 1}""", "\"{\\\"a\\\": 1}\"" },
        { """{"enum":["a","b"]}""", "42", "\"42\"" },
        { """{"$ref":"#/defs/x"}""", "true", "\"true\"" },

        // String family.
        { """{"type":"string"}""", "42", "\"42\"" },
        { """{"type":"str"}""", "true", "\"true\"" },
        { """{"type":"text"}""", "{\"a\":1}", "\"{\\\"a\\\":1}\"" },
        { """{"type":"varchar"}""", "x", "\"x\"" },
        { """{"type":"char"}""", "x", "\"x\"" },
        { """{"type":"enum"}""", "x", "\"x\"" },
        { """{"type":" String "}""", "7", "\"7\"" },

        // Integer family: Python int(); failures stay strings.
        { """{"type":"integer"}""", "42", "42" },
        { """{"type":"integer"}""", " -7 ", "-7" },
        { """{"type":"integer"}""", "+5", "5" },
        { """{"type":"integer"}""", "007", "7" },
        { """{"type":"integer"}""", "1_000", "1000" },
        { """{"type":"integer"}""", "99999999999999999999999", "99999999999999999999999" },
        { """{"type":"integer"}""", "42.0", "\"42.0\"" },
        { """{"type":"integer"}""", "1e3", "\"1e3\"" },
        { """{"type":"integer"}""", "abc", "\"abc\"" },
        { """{"type":"integer"}""", "", "\"\"" },
        { """{"type":"integer"}""", "1__0", "\"1__0\"" },
        { """{"type":"int"}""", "3", "3" },
        { """{"type":"int64"}""", "3", "3" },
        { """{"type":"uint32"}""", "3", "3" },
        { """{"type":"long"}""", "3", "3" },
        { """{"type":"short"}""", "3", "3" },
        { """{"type":"unsigned int"}""", "3", "3" },

        // Number family: Python float(), integral values become ints, inf/nan/garbage stay strings.
        { """{"type":"number"}""", "2.5", "2.5" },
        { """{"type":"number"}""", "5.0", "5" },
        { """{"type":"number"}""", "1e3", "1000" },
        { """{"type":"number"}""", "-0.25", "-0.25" },
        { """{"type":"number"}""", " 12 ", "12" },
        { """{"type":"number"}""", ".5", "0.5" },
        { """{"type":"number"}""", "1_000.5", "1000.5" },
        { """{"type":"number"}""", "inf", "\"inf\"" },
        { """{"type":"number"}""", "NaN", "\"NaN\"" },
        { """{"type":"number"}""", "1e999", "\"1e999\"" },
        { """{"type":"number"}""", "abc", "\"abc\"" },
        { """{"type":"float"}""", "3.0", "3" },
        { """{"type":"numeric"}""", "0.1", "0.1" },

        // Boolean family: exactly "true" (any case) is true, everything else false.
        { """{"type":"boolean"}""", "true", "true" },
        { """{"type":"boolean"}""", "True", "true" },
        { """{"type":"boolean"}""", "TRUE", "true" },
        { """{"type":"boolean"}""", "false", "false" },
        { """{"type":"boolean"}""", "1", "false" },
        { """{"type":"boolean"}""", "yes", "false" },
        { """{"type":"boolean"}""", " true", "false" },
        { """{"type":"bool"}""", "true", "true" },
        { """{"type":"binary"}""", "true", "true" },

        // Object/array family: JSON, else Python literal, else raw string.
        { """{"type":"object"}""", """{"a": 1, "b": [true, null]}""", """{"a":1,"b":[true,null]}""" },
        { """{"type":"object"}""", "{'a': True, 'b': None, 'c': (1, 2)}", """{"a":true,"b":null,"c":[1,2]}""" },
        { """{"type":"object"}""", "{'a': }", "\"{'a': }\"" },
        { """{"type":"object"}""", "not json", "\"not json\"" },
        { """{"type":"object"}""", "5", "5" },
        { """{"type":"array"}""", "[1, 2, 3]", "[1,2,3]" },
        { """{"type":"array"}""", "['a', 'b']", """["a","b"]""" },
        { """{"type":"array"}""", "[1, 2", "\"[1, 2\"" },
        { """{"type":"arr"}""", "[1]", "[1]" },
        { """{"type":"dict"}""", "{}", "{}" },
        { """{"type":"list[str]"}""", "[\"x\"]", """["x"]""" },

        // Values that separate the branches: each would come out differently under a neighbouring rule.
        { """{"type":"array"}""", "[true, null]", "[true,null]" },
        { """{"type":"custom"}""", "[true, null]", "\"[true, null]\"" },
        { """{"type":"str"}""", "123", "\"123\"" },
        { """{"type":"varchar"}""", "True", "\"True\"" },
        { """{"type":"char"}""", "123", "\"123\"" },
        { """{"type":"enum"}""", "True", "\"True\"" },
        { """{"type":"text"}""", "[1]", "\"[1]\"" },
        { """{"type":"number"}""", "True", "\"True\"" },
        { """{"type":"number"}""", "[1]", "\"[1]\"" },
        { """{"type":"integer"}""", "True", "\"True\"" },
        { """{"type":"integer"}""", "[1]", "\"[1]\"" },
        { """{"type":"boolean"}""", "[1]", "false" },
        { """{"type":"object"}""", "True", "true" },
        { """{"type":"list"}""", "(1, 2)", "[1,2]" },
        { """{"type":"dictionary"}""", "{'k': 'v'}", """{"k":"v"}""" },
        { """{"type":7}""", "[1, 'a']", """[1,"a"]""" },
        { """{"type":7}""", "x y", "\"x y\"" },
        { """{"type":"arr"}""", "[true, null]", "[true,null]" },
        { """{"type":""}""", "[true, null]", "\"[true, null]\"" },
        { """{"type":"array"}""", "", "\"\"" },
        { """{"type":"object"}""", "  ", "\"  \"" },

        // Any other type string (including JSON-Schema type arrays): ast.literal_eval, else raw string.
        { """{"type":["integer","null"]}""", "123", "123" },
        { """{"type":["string","null"]}""", "hello", "\"hello\"" },
        { """{"type":["string","null"]}""", "'quoted'", "\"quoted\"" },
        { """{"type":"null"}""", "None", "null" },
        { """{"type":"custom"}""", "true", "\"true\"" },
        { """{"type":"custom"}""", "[1, 'a', False]", """[1,"a",false]""" },

        // literal_eval layout quirks (Python tokenizer): indentation after a line break fails, as does a
        // last line of only blanks; a leading line break alone is fine.
        { """{"type":["integer","null"]}""", "\n7", "7" },
        { """{"type":["integer","null"]}""", "\n 7", "\"\\n 7\"" },
        { """{"type":["integer","null"]}""", "7\n ", "\"7\\n \"" },
        { """{"type":["integer","null"]}""", "7 # seven", "7" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Parameter_value_is_typed_like_vllm(string schema, string raw, string expectedJson)
    {
        var content = $"<tool_call>\n<function=t>\n<parameter=p>\n{raw}\n</parameter>\n</function>\n</tool_call>";

        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.SingleParameter(schema));

        var call = Assert.Single(result.Calls);
        using var arguments = JsonDocument.Parse(call.ArgumentsJson);
        JsonAssert.Equivalent(expectedJson, arguments.RootElement.GetProperty("p").GetRawText());
    }

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void Object_values_are_parsed_only_while_the_arguments_stay_readable_by_default_json_readers(int depth, bool parsed)
    {
        var value = new string('[', depth) + new string(']', depth);
        var content = $"<function=t>\n<parameter=p>\n{value}\n</parameter>\n</function>";

        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.SingleParameter("""{"type":"array"}"""));

        using var arguments = JsonDocument.Parse(Assert.Single(result.Calls).ArgumentsJson);
        Assert.Equal(parsed ? JsonValueKind.Array : JsonValueKind.String, arguments.RootElement.GetProperty("p").ValueKind);
    }

    [Fact]
    public void Parameter_missing_from_the_schema_stays_a_string()
    {
        var content = "<function=t>\n<parameter=other>\n42\n</parameter>\n</function>";

        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.SingleParameter("""{"type":"integer"}"""));

        JsonAssert.Equivalent("""{"other":"42"}""", Assert.Single(result.Calls).ArgumentsJson);
    }

    [Fact]
    public void Tool_without_properties_uses_its_parameters_object_as_the_property_map()
    {
        var tools = TestTools.Catalog("""[{"type":"function","function":{"name":"t","parameters":{"n":{"type":"integer"}}}}]""");

        var result = ToolCallExtractor.ExtractUnguarded("<function=t>\n<parameter=n>\n9\n</parameter>\n</function>", tools);

        JsonAssert.Equivalent("""{"n":9}""", Assert.Single(result.Calls).ArgumentsJson);
    }
}
