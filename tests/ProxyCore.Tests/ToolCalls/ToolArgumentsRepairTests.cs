using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpsBot.ProxyCore.ToolCalls;
using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class ToolArgumentsRepairTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("{\"path\": \"a.cs\", \"start_line\": 1}")]
    [InlineData("  {\"a\": [1, {\"b\": null}]}\n")]
    [InlineData("{\"s\": \"\\ud800 lone escape is still JSON\"}")]
    public void Valid_object_is_returned_unchanged_as_the_same_string(string arguments)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        Assert.Same(arguments, result.Json);
        Assert.Equal(ToolArgumentsRepairKind.Unchanged, result.Kind);
        Assert.False(result.Changed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t")]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    public void Missing_or_empty_arguments_become_an_empty_object(string? arguments)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        Assert.Equal("{}", result.Json);
        Assert.Equal(ToolArgumentsRepairKind.Empty, result.Kind);
        Assert.True(result.Changed);
    }

    [Theory]
    [InlineData("\"{\\\"path\\\": \\\"a.cs\\\"}\"", """{"path": "a.cs"}""")]
    [InlineData("\"\\\"{\\\\\\\"a\\\\\\\": 1}\\\"\"", """{"a": 1}""")]
    [InlineData("\"{'a': True}\"", """{"a": true}""")]
    public void Json_string_holding_an_object_is_unwrapped(string arguments, string expected)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        Assert.Equal(ToolArgumentsRepairKind.Unwrapped, result.Kind);
        JsonAssert.Equivalent(expected, result.Json);
    }

    public static TheoryData<string, string> Repairs => new()
    {
        // Trailing text after a complete object.
        { "{\"a\": 1}}", """{"a": 1}""" },
        { "{\"a\": 1} and then some prose", """{"a": 1}""" },

        // Leading white space of any kind (JSON's own or Unicode's) before the damaged object.
        { "  \n{\"a\": [1, 2", """{"a": [1, 2]}""" },
        { "\u00a0\u2003{\"a\": 1,}", """{"a": 1}""" },

        // Truncation: strings, arrays, nested objects, numbers and literals are closed at the cut.
        { "{\"path\": \"src/Pro", """{"path": "src/Pro"}""" },
        { "{\"path\": \"a.cs\", \"content\": \"line1\\nli", """{"path": "a.cs", "content": "line1\nli"}""" },
        { "{\"a\": [1, 2", """{"a": [1, 2]}""" },
        { "{\"a\": {\"b\": tr", """{"a": {"b": true}}""" },
        { "{\"a\": 1, \"b", """{"a": 1}""" },
        { "{\"a\": 1, \"b\":", """{"a": 1}""" },
        { "{\"a\": 12.", """{"a": 12}""" },
        { "{\"a\": 1.5e", """{"a": 1.5}""" },
        { "{\"a\": \"x\\", """{"a": "x"}""" },
        { "{\"a\": \"x\\u00", """{"a": "x"}""" },
        { "{\"a\": [{\"b\": [", """{"a": [{"b": []}]}""" },
        { "{", "{}" },

        // Python / JavaScript style.
        { "{'a': True, 'b': None, 'c': 'it\\'s', 'd': False}", """{"a": true, "b": null, "c": "it's", "d": false}""" },
        { "{'t': (1, 2), 'n': -3, 'f': 1_000.5}", """{"t": [1, 2], "n": -3, "f": 1000.5}""" },
        { "{a: 1, b_c: 'x'}", """{"a": 1, "b_c": "x"}""" },

        // Common damage inside otherwise fine JSON.
        { "{\"a\": \"line\nbreak\"}", """{"a": "line\nbreak"}""" },
        { "{\"a\": 1,}", """{"a": 1}""" },
        { "{\"a\": 1 \"b\": 2}", """{"a": 1, "b": 2}""" },
        { "{\"a\": NaN, \"b\": 2}", "{}" },
    };

    [Theory]
    [MemberData(nameof(Repairs))]
    public void Damaged_object_is_repaired(string arguments, string expected)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        Assert.Equal(ToolArgumentsRepairKind.Repaired, result.Kind);
        JsonAssert.Equivalent(expected, result.Json);
    }

    [Fact]
    public void Arguments_that_made_vllm_answer_400_are_repaired()
    {
        // error_400_invalid_history_tool_arguments.json: "Unterminated string starting at: line 1 column 10 (char 9)";
        // this is the shortest history argument Python's json.loads reports exactly that for.
        var message = JsonDocument.Parse(SharedReference.ReadVllmFixture("error_400_invalid_history_tool_arguments.json"))
            .RootElement.GetProperty("error").GetProperty("message").GetString();
        var arguments = "{\"path\": \"src/Pro";
        Assert.Contains("(char 9)", message);
        Assert.Equal('"', arguments[9]);

        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        JsonAssert.Equivalent("""{"path": "src/Pro"}""", result.Json);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("[{\"a\": 1}]")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("\"just a sentence\"")]
    [InlineData("read the file please")]
    [InlineData("[1, 2")]
    [InlineData("```json\n{\"a\": 1}\n```")]
    public void Anything_that_is_not_an_object_is_replaced_by_an_empty_object(string arguments)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        Assert.Equal("{}", result.Json);
        Assert.Equal(ToolArgumentsRepairKind.Replaced, result.Kind);
    }

    [Fact]
    public void Lone_surrogates_are_replaced_so_the_text_can_be_encoded()
    {
        var result = ToolArgumentsRepair.RepairUnguarded("{\"a\": \"smile \uD83D\"}");

        Assert.Equal(ToolArgumentsRepairKind.Repaired, result.Kind);
        Assert.Equal("{\"a\": \"smile \uFFFD\"}", result.Json);
    }

    [Fact]
    public void An_object_is_unwrapped_from_at_most_three_nested_json_strings()
    {
        var wrapped = "{\"a\": 1}";
        for (int i = 0; i < 3; i++)
        {
            wrapped = JsonSerializer.Serialize(wrapped);
        }

        var three = ToolArgumentsRepair.RepairUnguarded(wrapped);
        var four = ToolArgumentsRepair.RepairUnguarded(JsonSerializer.Serialize(wrapped));

        Assert.Equal(ToolArgumentsRepairKind.Unwrapped, three.Kind);
        JsonAssert.Equivalent("""{"a": 1}""", three.Json);
        Assert.Equal(ToolArgumentsRepairKind.Replaced, four.Kind);
        Assert.Equal("{}", four.Json);
    }

    // A lone surrogate cannot be stored in an attribute: %LONE% stands for one.
    [Theory]
    [InlineData("%LONE%", "{}", "Replaced")]
    [InlineData("\"{\\\"a\\\": \\\"x%LONE%\\\"}\"", "{\"a\": \"x\uFFFD\"}", "Unwrapped")]
    [InlineData("{\"a\": \"x%LONE%", "{\"a\": \"x\uFFFD\"}", "Repaired")]
    public void Lone_surrogates_do_not_hide_what_else_the_repair_did(string arguments, string expected, string kind)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments.Replace("%LONE%", "\uD83D", StringComparison.Ordinal));

        Assert.Equal(kind, result.Kind.ToString());
        JsonAssert.Equivalent(expected, result.Json);
    }

    [Theory]
    [InlineData("{\"a\": 1}", "{\"a\": 1}", "Unchanged")]
    [InlineData("{\"a\": [1", "{\"a\": [1]}", "Repaired")]
    [InlineData("[1]", "{}", "Replaced")]
    public void The_guarded_repair_answers_like_the_repair_itself(string arguments, string expected, string kind)
    {
        var result = ToolArgumentsRepair.Repair(arguments);

        Assert.Equal(kind, result.Kind.ToString());
        JsonAssert.Equivalent(expected, result.Json);
    }

    [Fact]
    public void Deep_nesting_is_closed_at_the_depth_limit()
    {
        var result = ToolArgumentsRepair.RepairUnguarded("{\"a\":" + string.Concat(Enumerable.Repeat("[", 10_000)));

        // The member survives with its arrays nested as deep as the scanner allows, closed in order.
        Assert.Equal(ToolArgumentsRepairKind.Repaired, result.Kind);
        using var document = System.Text.Json.JsonDocument.Parse(result.Json, new System.Text.Json.JsonDocumentOptions { MaxDepth = 256 });
        var depth = 0;
        var value = document.RootElement.GetProperty("a");
        while (value.ValueKind == System.Text.Json.JsonValueKind.Array)
        {
            depth++;
            if (value.GetArrayLength() == 0)
            {
                break;
            }

            value = value[0];
        }

        Assert.Equal(JsonScanner.MaxDepth - 1, depth);
    }

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 2000)]
    public void Random_strings_always_give_an_object_and_repair_is_idempotent(string? arguments)
        => AssertRepairContract(arguments);

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 2000)]
    public Property Damaged_objects_always_give_an_object_and_repair_is_idempotent()
        => Prop.ForAll(DamagedObjects, AssertRepairContract);

    private static Arbitrary<string> DamagedObjects { get; } = Arb.From(
        from source in Gen.Elements(
            "{\"path\": \"src/Program.cs\", \"start_line\": 1, \"end_line\": 40}",
            "{\"command\": \"dotnet test --filter \\\"A~B\\\"\", \"timeout\": 300, \"background\": false}",
            "{\"query\": \"x\", \"include\": [\"*.cs\", \"*.csproj\"], \"opts\": {\"deep\": [1, 2.5e-3, null, true]}}",
            "{'a': True, 'b': None, 'c': (1, 'x'), 'd': 'it\\'s'}",
            "\"{\\\"content\\\": \\\"line\\\\nnext\\\"}\"")
        from cut in Gen.Choose(0, 100)
        from insertAt in Gen.Choose(0, 100)
        from insert in Gen.Elements("", "{", "}", "[", "]", "\"", "'", "\\", ",", ":", "\n", "True", "\uD800", "\\u12")
        let truncated = source[..(cut * source.Length / 100)]
        select truncated.Insert(insertAt * truncated.Length / 100, insert));

    private static void AssertRepairContract(string? arguments)
    {
        var result = ToolArgumentsRepair.RepairUnguarded(arguments);

        Assert.True(JsonAssert.TryParseObject(result.Json), $"not an object: {result.Json} (from {arguments})");
        if (!result.Changed)
        {
            Assert.Same(arguments, result.Json);
        }

        var again = ToolArgumentsRepair.RepairUnguarded(result.Json);
        Assert.False(again.Changed, $"not idempotent: {result.Json} -> {again.Json}");
    }
}
