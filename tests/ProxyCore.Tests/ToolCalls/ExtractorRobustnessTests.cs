using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>
/// The extractor must never throw and must only ever return well-formed calls. These tests call
/// <see cref="ToolCallExtractor.ExtractUnguarded"/>, bypassing the last-resort catch in Extract.
/// </summary>
public sealed class ExtractorRobustnessTests
{
    [Property(MaxTest = 2000)]
    public void Random_strings_never_throw_and_never_yield_bad_calls(string? content)
        => AssertWellFormed(content);

    [Property(MaxTest = 2000)]
    public Property Marker_soup_never_throws_and_never_yields_bad_calls()
        => Prop.ForAll(ToolCallFuzzInputs.TokenSoup, AssertWellFormed);

    [Property(MaxTest = 2000)]
    public Property Damaged_fixture_contents_never_throw_and_never_yield_bad_calls()
        => Prop.ForAll(ToolCallFuzzInputs.MutatedFixture, AssertWellFormed);

    [Property(MaxTest = 1000)]
    public Property Mixed_format_answers_never_throw_and_never_yield_bad_calls()
        => Prop.ForAll(ToolCallFuzzInputs.Composite, AssertWellFormed);

    [Fact]
    public void Exceptions_do_not_reach_the_guard_for_any_fixture_prefix()
    {
        // Every prefix of every fixture: truncation at each char boundary, including mid-surrogate-pair.
        foreach (var content in ToolCallFuzzInputs.FixtureContents.Value)
        {
            for (int length = 0; length <= content.Length; length++)
            {
                AssertWellFormed(content[..length]);
            }
        }
    }

    public static TheoryData<string, string> HugeInputs => new()
    {
        { "plain prose", Repeat("The proxy forwards the stream and counts tokens. ", 1 << 20) },
        { "csharp code with brace lines", Repeat("public void M()\n{\n    if (x) { y(); }\n    var a = new[] { 1, 2 };\n}\n", 1 << 20) },
        { "one qwen call with a 1 MB value", "<tool_call>\n<function=write_file>\n<parameter=path>\na\n</parameter>\n<parameter=content>\n" + Repeat("line of code;\n", 1 << 20) + "</parameter>\n</function>\n</tool_call>" },
        { "one json call with a 1 MB string", "{\"name\": \"write_file\", \"arguments\": {\"content\": \"" + Repeat("x\\n\\\"", 1 << 20) + "\"}}" },
        { "nested array lines", Repeat("[\n", 1 << 14) + Repeat("0,", 1 << 19) },
        { "object lines never closed", Repeat("{\"name\": \"read_file\", \"arguments\": {\"a\": [", 1 << 20) },
        { "tool_call openers", Repeat("<tool_call>", 1 << 20) },
        { "function openers", Repeat("<function=read_file>", 1 << 20) },
        { "parameters without close", "<function=read_file>" + Repeat("<parameter=path>x", 1 << 20) },
        { "fences", Repeat("```json\n{\"name\"", 1 << 20) },
        { "mistral markers", Repeat("[TOOL_CALLS][{\"name\": \"x\", \"arguments\": \"", 1 << 20) },
        { "python tags", Repeat("<|python_tag|>{\"a\": [", 1 << 20) },
        { "quotes and backslashes", Repeat("{\"\\\"", 1 << 20) },
    };

    [Theory]
    [MemberData(nameof(HugeInputs))]
    public void Megabyte_content_extracts_in_linear_time(string label, string content)
    {
        ToolCallExtractor.ExtractUnguarded("<tool_call>{\"name\": \"read_file\"}</tool_call>", TestTools.Fixtures);

        // The bound is about the algorithm, not speed (bench/ measures that): a quadratic pass over a megabyte is
        // ~10^12 steps, hours, while linear work takes milliseconds idle and stays far below 15 s on two loaded
        // cores under coverage instrumentation. Best of three keeps scheduler noise out of it.
        var best = TimeSpan.MaxValue;
        ToolCallExtraction result = ToolCallExtraction.None(null);
        for (int run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            result = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures);
            watch.Stop();
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        Assert.True(best < TimeSpan.FromSeconds(15), $"{label}: {best.TotalMilliseconds:F0} ms");
        AssertCallsWellFormed(result);
    }

    internal static void AssertWellFormed(string? content)
    {
        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures);
        AssertCallsWellFormed(result);
        if (!result.Found)
        {
            Assert.Same(content, result.Content);
            Assert.Null(result.Format);
        }
        else
        {
            Assert.NotNull(result.Format);
            Assert.True(result.Content is null || !string.IsNullOrWhiteSpace(result.Content));
        }
    }

    internal static void AssertCallsWellFormed(ToolCallExtraction result)
    {
        foreach (var call in result.Calls)
        {
            Assert.True(TestTools.Fixtures.Contains(call.Name), $"undeclared tool {call.Name}");
            Assert.True(JsonAssert.TryParseObject(call.ArgumentsJson), $"arguments not an object: {call.ArgumentsJson}");
            Assert.StartsWith(ToolCallIds.Prefix, call.Id);
        }
    }

    private static string Repeat(string unit, int approximateLength)
    {
        var builder = new StringBuilder(approximateLength + unit.Length);
        while (builder.Length < approximateLength)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }
}
