using System.Text;
using System.Text.Json;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>Every non-streaming vLLM fixture's <c>message.content</c> through the extractor.</summary>
public sealed class FixtureContentExtractionTests
{
    public static TheoryData<string, ToolCallFormat, string?, string[]> InContentFixtures => new()
    {
        {
            "nonstream_qwen3coder_xml_in_content.json", ToolCallFormat.QwenXml,
            "Let me check the failing test first.\n\n",
            ["run_command", """{"command": "dotnet test --filter \"FullyQualifiedName~StreamingTests\"", "timeout": 300}"""]
        },
        {
            "nonstream_hermes_in_content.json", ToolCallFormat.Hermes,
            "I'll list the repository root.\n",
            ["list_dir", """{"path": ".", "recursive": false}"""]
        },
        {
            "nonstream_qwen25_tools_tag_in_content.json", ToolCallFormat.ToolsTag, null,
            ["read_file", """{"path": "README.md"}"""]
        },
        {
            "nonstream_bare_json_in_content.json", ToolCallFormat.BareJson, null,
            ["read_file", """{"path": "src/Program.cs", "start_line": 1}"""]
        },
        {
            "nonstream_multiline_json_in_content.json", ToolCallFormat.BareJson,
            "I need to update the config.\n",
            ["write_file", """{"path": "appsettings.json", "content": "{\n  \"Upstream\": \"http://127.0.0.1:8000\"\n}\n"}"""]
        },
        {
            "nonstream_json_array_in_content.json", ToolCallFormat.JsonArray, null,
            ["read_file", """{"path": "a.cs"}""", "read_file", """{"path": "b.cs"}"""]
        },
        {
            "nonstream_fenced_json_in_content.json", ToolCallFormat.FencedJson,
            "To run the tests I'll call the tool:\n\n",
            ["run_command", """{"command": "dotnet test", "timeout": 120}"""]
        },
        {
            "nonstream_llama3_python_tag_in_content.json", ToolCallFormat.PythonTag, null,
            ["get_weather", """{"city": "Oslo"}""", "get_time", """{"timezone": "Europe/Oslo"}"""]
        },
        {
            "nonstream_mistral_tool_calls_in_content.json", ToolCallFormat.MistralToolCalls, null,
            ["search", """{"query": "SseParser", "max_results": 5}"""]
        },
    };

    [Theory]
    [MemberData(nameof(InContentFixtures))]
    public void Fixture_content_yields_the_expected_calls_and_prose(string fixture, ToolCallFormat format, string? content, string[] calls)
    {
        var result = ToolCallExtractor.ExtractUnguarded(FixtureContent(fixture), TestTools.Fixtures);

        Assert.Equal(format, result.Format);
        Assert.Equal(content, result.Content);
        Assert.Equal(calls.Length / 2, result.Calls.Count);
        for (int i = 0; i < result.Calls.Count; i++)
        {
            Assert.Equal(calls[2 * i], result.Calls[i].Name);
            JsonAssert.Equivalent(calls[(2 * i) + 1], result.Calls[i].ArgumentsJson);
            Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", result.Calls[i].Id);
        }

        Assert.Equal(result.Calls.Count, result.Calls.Select(c => c.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("nonstream_text_only.json")]
    [InlineData("nonstream_text_only_current_shape.json")]
    [InlineData("nonstream_empty_immediate_eos.json")]
    [InlineData("nonstream_empty_zero_tokens.json")]
    [InlineData("nonstream_tool_calls_native.json")]
    [InlineData("nonstream_tool_calls_native_multiple.json")]
    [InlineData("nonstream_tool_call_truncated_by_length.json")]
    public void Fixture_content_without_a_call_comes_back_unchanged(string fixture)
    {
        var content = FixtureContent(fixture);

        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures);

        Assert.False(result.Found);
        Assert.Null(result.Format);
        Assert.Same(content, result.Content);
    }

    [Fact]
    public void Every_nonstream_fixture_is_covered_by_a_test_case()
    {
        var covered = InContentFixtures.Select(row => (string)row[0])
            .Concat(typeof(FixtureContentExtractionTests).GetMethod(nameof(Fixture_content_without_a_call_comes_back_unchanged))!
                .GetCustomAttributes(typeof(InlineDataAttribute), false)
                .Cast<InlineDataAttribute>()
                .Select(a => (string)a.GetData(null!).First()[0]))
            .ToHashSet();
        var onDisk = Directory.GetFiles(SharedReference.VllmFixturesDirectory, "nonstream_*.json").Select(Path.GetFileName);

        Assert.DoesNotContain(onDisk, f => !covered.Contains(f!));
    }

    /// <summary>
    /// vLLM's native calls rendered back to Qwen3 XML the way its chat template renders history
    /// (<c>tojson</c> for objects/arrays, Python <c>str</c> otherwise) must extract to the same arguments:
    /// parity with vLLM's own parser on its own output.
    /// </summary>
    [Theory]
    [InlineData("nonstream_tool_calls_native.json")]
    [InlineData("nonstream_tool_calls_native_multiple.json")]
    [InlineData("nonstream_tool_call_truncated_by_length.json")]
    public void Native_calls_rendered_as_qwen_xml_extract_to_the_same_arguments(string fixture)
    {
        using var document = JsonDocument.Parse(SharedReference.ReadVllmFixture(fixture));
        var message = document.RootElement.GetProperty("choices")[0].GetProperty("message");
        var nativeCalls = message.GetProperty("tool_calls").EnumerateArray().ToArray();
        var preamble = message.GetProperty("content").GetString();
        var xml = new StringBuilder(preamble);
        foreach (var call in nativeCalls)
        {
            xml.Append(RenderQwenXml(call.GetProperty("function")));
        }

        var result = ToolCallExtractor.ExtractUnguarded(xml.ToString(), TestTools.Fixtures);

        Assert.Equal(ToolCallFormat.QwenXml, result.Format);
        Assert.Equal(preamble, result.Content);
        Assert.Equal(nativeCalls.Length, result.Calls.Count);
        for (int i = 0; i < nativeCalls.Length; i++)
        {
            var function = nativeCalls[i].GetProperty("function");
            Assert.Equal(function.GetProperty("name").GetString(), result.Calls[i].Name);
            JsonAssert.Equivalent(function.GetProperty("arguments").GetString()!, result.Calls[i].ArgumentsJson);
        }
    }

    internal static string FixtureContent(string fixture)
    {
        using var document = JsonDocument.Parse(SharedReference.ReadVllmFixture(fixture));
        return document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "";
    }

    private static string RenderQwenXml(JsonElement function)
    {
        var xml = new StringBuilder("<tool_call>\n<function=").Append(function.GetProperty("name").GetString()).Append(">\n");
        using var arguments = JsonDocument.Parse(function.GetProperty("arguments").GetString()!);
        foreach (var parameter in arguments.RootElement.EnumerateObject())
        {
            var value = parameter.Value.ValueKind switch
            {
                JsonValueKind.String => parameter.Value.GetString(),
                JsonValueKind.Object or JsonValueKind.Array => parameter.Value.GetRawText(),
                JsonValueKind.True => "True",
                JsonValueKind.False => "False",
                JsonValueKind.Null => "None",
                _ => parameter.Value.GetRawText(),
            };
            xml.Append("<parameter=").Append(parameter.Name).Append(">\n").Append(value).Append("\n</parameter>\n");
        }

        return xml.Append("</function>\n</tool_call>").ToString();
    }
}
