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
    [Trait("Category", "Heavy")]
    [Property(MaxTest = 2000)]
    public void Random_strings_never_throw_and_never_yield_bad_calls(string? content)
        => AssertWellFormed(content);

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 2000)]
    public Property Marker_soup_never_throws_and_never_yields_bad_calls()
        => Prop.ForAll(ToolCallFuzzInputs.TokenSoup, AssertWellFormed);

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 2000)]
    public Property Damaged_fixture_contents_never_throw_and_never_yield_bad_calls()
        => Prop.ForAll(ToolCallFuzzInputs.MutatedFixture, AssertWellFormed);

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 1000)]
    public Property Mixed_format_answers_never_throw_and_never_yield_bad_calls()
        => Prop.ForAll(ToolCallFuzzInputs.Composite, AssertWellFormed);

    [Trait("Category", "Heavy")]
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

    [Trait("Category", "Heavy")]
    [Theory]
    [MemberData(nameof(HugeInputs))]
    public void Megabyte_content_costs_json_scanning_linear_in_its_length(string label, string content)
    {
        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures, out long jsonWork);

        // An operation count, not a clock. Speculative JSON scans from every "{"/"[" candidate can overlap (the nested
        // array lines would cost 16k scans of half a megabyte each); the budget caps them at 4 chars per char of content
        // plus 64 Ki, and each of the three budgeted formats may finish one scan (at most the content) past it.
        var bound = (7L * content.Length) + 65_536;
        Assert.True(jsonWork <= bound, $"{label}: {jsonWork} chars of JSON scanning, bound {bound}");
        AssertCallsWellFormed(result);

        // The rest of the extractor has no count: this only catches a quadratic pass (hours on a megabyte), with a margin
        // no loaded machine gets near; bench/ measures speed.
        var watch = Stopwatch.StartNew();
        ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{label}: {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public void Overlapping_speculative_json_scans_stop_at_the_work_budget()
    {
        // 4096 "[" lines, each a candidate whose scan runs to the end of 128 KiB that never closes: unbounded, that is
        // 4096 scans of ~128 Ki chars, ~0.5 G chars; the budget stops it at 4 chars per char of content (plus 64 Ki).
        var content = string.Concat(Enumerable.Repeat("[\n", 1 << 12)) + string.Concat(Enumerable.Repeat("0,", 1 << 16));

        var result = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures, out long jsonWork);

        long budget = (4L * content.Length) + 65_536;
        Assert.InRange(jsonWork, budget, budget + (3L * content.Length));
        Assert.False(result.Found);
        Assert.Same(content, result.Content);
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
