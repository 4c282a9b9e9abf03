using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using OpsBot.ProxyCore.ToolCalls;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class StreamingToolCallScannerTests
{
    private static readonly Arbitrary<(string Content, int[] Cuts)> SplitContents = Arb.From(
        from content in Gen.OneOf(
            Gen.Elements(ToolCallFuzzInputs.FixtureContents.Value),
            ToolCallFuzzInputs.TokenSoup.Generator,
            ToolCallFuzzInputs.MutatedFixture.Generator,
            ToolCallFuzzInputs.Composite.Generator,
            ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""))
        from cuts in ToolCallFuzzInputs.CutPoints(content.Length)
        select (content, cuts));

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 3000)]
    public Property Any_split_streams_to_exactly_what_extract_returns()
        => Prop.ForAll(SplitContents, input => AssertStreamingMatchesExtract(input.Content, input.Cuts));

    [Fact]
    public void Every_fixture_streamed_char_by_char_and_in_two_halves_matches_extract()
    {
        foreach (var content in ToolCallFuzzInputs.FixtureContents.Value)
        {
            AssertStreamingMatchesExtract(content, Enumerable.Range(1, Math.Max(content.Length - 1, 0)).ToArray());
            AssertStreamingMatchesExtract(content, [content.Length / 2]);
            AssertStreamingMatchesExtract(content, []);
        }
    }

    [Trait("Category", "Heavy")]
    [Property(MaxTest = 1000)]
    public Property Plain_prose_flows_through_with_zero_holdback()
        => Prop.ForAll(
            Arb.From(
                from words in Gen.NonEmptyListOf(Gen.Elements("Hello", "world", "the", "proxy", "x > y", "a]", "b}", ")", "ø", "\n", " ", "- item", "1.", "#", "**bold**"))
                from cuts in ToolCallFuzzInputs.CutPoints(100)
                select (Text: "Start " + string.Concat(words), cuts)),
            input =>
            {
                var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
                foreach (var delta in Split(input.Text, input.cuts))
                {
                    // Released whole, as the same string: prose costs no copy.
                    Assert.Same(delta, scanner.Feed(delta));
                }

                Assert.Equal(0, scanner.HeldLength);
                Assert.Equal("", scanner.Complete().RemainingContent);
            });

    [Fact]
    public void Prose_deltas_are_released_as_the_same_string_without_a_copy()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var first = "Hello, the proxy is up.\n";
        var second = new string('x', 1000);

        Assert.Same(first, scanner.Feed(first));
        Assert.Same(second, scanner.Feed(second));
        Assert.Equal(0, scanner.HeldLength);
    }

    [Fact]
    public void Prose_after_a_held_part_is_released_with_it_as_one_string()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("See ", scanner.Feed("See <to"));
        Assert.Equal("<tomato> and a long tail " + new string('y', 500), scanner.Feed("mato> and a long tail " + new string('y', 500)));
        Assert.Equal(0, scanner.HeldLength);
        Assert.Equal("", scanner.Complete().RemainingContent);
    }

    [Fact]
    public void Prose_before_a_qwen_call_is_released_before_the_call_and_the_call_is_held()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("Let me check.\n\n", scanner.Feed("Let me check.\n\n<tool"));
        Assert.Equal("", scanner.Feed("_call>\n<function=run_command>\n<parameter=command>\nls\n"));
        Assert.Equal("", scanner.Feed("</parameter>\n</function>\n</tool_call>"));
        var completion = scanner.Complete();

        Assert.Equal("", completion.RemainingContent);
        Assert.Equal(ToolCallFormat.QwenXml, completion.Format);
        Assert.Equal("run_command", Assert.Single(completion.Calls).Name);
        JsonAssert.Equivalent("""{"command":"ls"}""", completion.Calls[0].ArgumentsJson);
    }

    [Fact]
    public void Partial_marker_is_held_and_released_when_it_turns_out_to_be_prose()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("Use the ", scanner.Feed("Use the <too"));
        Assert.Equal("<toolbox> tag.", scanner.Feed("lbox> tag."));
        Assert.Equal(0, scanner.HeldLength);
    }

    [Fact]
    public void Brace_line_is_released_once_it_cannot_be_a_call()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("Code:\n", scanner.Feed("Code:\n{"));
        Assert.Equal("", scanner.Feed("\n  "));
        Assert.Equal("{\n  return x;\n}", scanner.Feed("return x;\n}"));
    }

    [Fact]
    public void Json_data_that_is_not_a_call_is_released_when_complete()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("Config:\n", scanner.Feed("Config:\n{\"name\": \"my-app\","));
        Assert.Equal("{\"name\": \"my-app\", \"port\": 80}\nDone", scanner.Feed(" \"port\": 80}\nDone"));
    }

    [Fact]
    public void Fence_in_another_language_is_released_as_soon_as_the_language_is_known()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed("```j"));
        Assert.Equal("```js\nx = 1;\n", scanner.Feed("s\nx = 1;\n"));
        Assert.Equal("```py", scanner.Feed("```py"));
    }

    [Fact]
    public void Plain_code_fence_is_released_at_its_first_line_of_code()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed("```\n"));
        Assert.Equal("```\nls -la\n", scanner.Feed("ls -la\n"));
    }

    [Fact]
    public void Leading_whitespace_is_held_until_something_visible_arrives()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed("\n\n"));
        Assert.Equal("\n\nHi", scanner.Feed("Hi"));
    }

    [Fact]
    public void Undeclared_tool_in_a_closed_block_is_released()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed("<tool_call>\n<function=nope>\n</function>\n"));
        Assert.Equal("<tool_call>\n<function=nope>\n</function>\n</tool_call> ok", scanner.Feed("</tool_call> ok"));
    }

    [Fact]
    public void Held_bare_function_is_released_when_a_tool_call_block_shows_up_later()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed("<function=get_time>\n</function>\n"));
        Assert.Equal("<function=get_time>\n</function>\n", scanner.Feed("<tool_call>\n<function=get_status>\n"));
        var completion = scanner.Complete();

        Assert.Equal("get_status", Assert.Single(completion.Calls).Name);
        Assert.Equal("", completion.RemainingContent);
    }

    [Fact]
    public void Without_declared_tools_everything_passes_through()
    {
        var scanner = new StreamingToolCallScanner(ToolCatalog.Empty);

        Assert.Equal("<tool_call>", scanner.Feed("<tool_call>"));
        Assert.Equal("{\"name\": \"x\"}", scanner.Feed("{\"name\": \"x\"}"));
        var completion = scanner.Complete();
        Assert.False(completion.Found);
        Assert.Equal("", completion.RemainingContent);
        Assert.Null(completion.Format);
    }

    [Fact]
    public void Feeding_or_completing_after_complete_is_a_usage_error()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        scanner.Complete();

        Assert.Equal("The stream was already completed.", Assert.Throws<InvalidOperationException>(() => scanner.Feed("x")).Message);
        Assert.Equal("The stream was already completed.", Assert.Throws<InvalidOperationException>(() => scanner.Complete()).Message);
    }

    [Fact]
    public void Empty_deltas_release_nothing_and_change_nothing()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed(null));
        Assert.Equal("", scanner.Feed(""));
        Assert.Equal("", scanner.Feed("<tool"));
        Assert.Equal("", scanner.Feed(""));
        Assert.Equal(5, scanner.HeldLength);
    }

    public static TheoryData<string, string, int> LinearInputs => new()
    {
        { "qwen call with a 1 MB value", "Writing.\n<tool_call>\n<function=write_file>\n<parameter=path>\na\n</parameter>\n<parameter=content>\n"
            + string.Concat(Enumerable.Repeat("line {\"of\": [code]};\n", 1 << 15)) + "</parameter>\n</function>\n</tool_call>", 1 },
        { "json call with a 1 MB string", "{\"name\": \"write_file\", \"arguments\": {\"content\": \"" + string.Concat(Enumerable.Repeat("x\\n{[\\\"", 1 << 17)) + "\"}}", 1 },
        { "nested array lines", string.Concat(Enumerable.Repeat("[\n", 1 << 12)) + string.Concat(Enumerable.Repeat("0,", 1 << 16)), 0 },
    };

    [Trait("Category", "Heavy")]
    [Theory]
    [MemberData(nameof(LinearInputs))]
    public void Speculative_json_scanning_is_bounded_by_the_content_length_whatever_the_delta_size(string label, string text, int calls)
    {
        foreach (var deltaLength in new[] { 3, 16, 4096 })
        {
            var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
            for (int i = 0; i < text.Length; i += deltaLength)
            {
                scanner.Feed(text.Substring(i, Math.Min(deltaLength, text.Length - i)));
            }

            // The work an operation count, not a clock: re-scanning from each held "{"/"[" on every delta would be
            // quadratic; the cap is 4 chars of scanning per char of content (plus one last scan past it).
            var bound = (5L * text.Length) + 65_536;
            Assert.True(scanner.JsonWork >= 0 && scanner.JsonWork <= bound, $"{label}, {deltaLength}-char deltas: {scanner.JsonWork} chars scanned, bound {bound}");
            Assert.Equal(calls, scanner.Complete().Calls.Count);
        }
    }

    [Fact]
    public void Content_over_the_extractor_limit_is_released_whole_and_then_passed_through()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var head = "Log:\n<tool_call>\n<function=read_file>\n";
        var bulk = new string('x', ToolCallExtractor.MaxContentLength);

        Assert.Equal("Log:\n", scanner.Feed(head));
        Assert.Equal(head.Length - "Log:\n".Length, scanner.HeldLength);
        var released = scanner.Feed(bulk);
        var after = scanner.Feed("and then <tool");

        // No call can come of content the extractor refuses, so what was held goes out and nothing is held again,
        // not even a partial marker.
        Assert.Equal(head["Log:\n".Length..] + bulk, released);
        Assert.Equal("and then <tool", after);
        Assert.Equal(0, scanner.HeldLength);
        var completion = scanner.Complete();
        Assert.Empty(completion.Calls);
        Assert.Equal("", completion.RemainingContent);
    }

    [Fact]
    public void A_partial_marker_ending_exactly_at_the_extractor_limit_is_held_and_one_char_more_releases_it()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var bulk = new string('x', ToolCallExtractor.MaxContentLength - "<tool".Length);

        Assert.Same(bulk, scanner.Feed(bulk));
        Assert.Equal("", scanner.Feed("<tool"));
        Assert.Equal("<tool_call>", scanner.Feed("_call>"));
        Assert.Equal(0, scanner.HeldLength);
        Assert.Equal("", scanner.Complete().RemainingContent);
    }

    [Trait("Category", "Heavy")]
    [Fact]
    public void Content_exactly_at_the_extractor_limit_is_still_scanned()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var call = "<tool_call>\n<function=get_status>\n</function>\n</tool_call>";

        Assert.Equal(new string('x', ToolCallExtractor.MaxContentLength - call.Length), scanner.Feed(new string('x', ToolCallExtractor.MaxContentLength - call.Length)));
        Assert.Equal("", scanner.Feed(call));

        Assert.Equal("get_status", Assert.Single(scanner.Complete().Calls).Name);
    }

    [Theory]
    [InlineData("<function=nope>\nsome text", "")]
    [InlineData("<function=>\nsome text", "")]
    [InlineData("<tools>hello, plain words", "")]
    [InlineData("```json\nnot json at all\n", "")]
    [InlineData("[TOOLBOX] is a word", "")]
    [InlineData("[TOOL_CALLS] nothing after it", "")]
    [InlineData("<|python_tag|>print('hi')", "")]
    [InlineData("Values: {\"a\": 1, \"b\": [2, 3]} ok", "")]
    [InlineData("[1, 2, 3] are numbers", "")]
    [InlineData("if a < b then <b> is bold", "")]
    [InlineData("say `a` or `b", "")]
    [InlineData("x > y\n<function=nope>\nabc", "")]
    [InlineData("<function=get_time>\n<parameter=timezone\n</function> ok", "")]
    [InlineData("<tool_call>x<tool_call>y</tool_call> z", "")]
    [InlineData("<tools>x<tools> ", "")]
    [InlineData("<function=nope>\n<function=get_time>\n</function> ok", "")]
    [InlineData("```\nx\n```json\n", "")]
    [InlineData("<tools>[{\"x\": 1}]</tools> ok", "")]
    [InlineData("<|python_tag|>{\"x\": 1} ok", "")]
    [InlineData("<|python_tag|>[1, x] ok", "")]
    [InlineData("[TOOL_CALLS]nope[ARGS]{} ok", "")]
    [InlineData("[TOOL_CALLS][{\"name\": \"nope\", \"arguments\": {}}] ok", "")]
    [InlineData("{\"data\": [\n{\"name\": \"get_status\", \"arguments\": {}}\n]} ok", "")]
    [InlineData("<tool_call>{\"name\": \"nope\"}</tool_call>\n<function=get_time>\n</function> ok", "")]
    public void Text_that_cannot_start_a_call_is_released_before_the_stream_ends(string text, string stillHeld)
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        var released = new StringBuilder();
        foreach (var piece in text.Chunk(4))
        {
            released.Append(scanner.Feed(new string(piece)));
        }

        Assert.Equal(text[..(text.Length - stillHeld.Length)], released.ToString());
        Assert.Equal(stillHeld.Length, scanner.HeldLength);
        Assert.Equal(stillHeld, scanner.Complete().RemainingContent);
    }

    [Theory]
    [InlineData("<function=read_file>\n<parameter=path>\na")]
    [InlineData("<tool_call>\n<function=read_file>")]
    [InlineData("<tools>[{\"name\": \"read_file\"")]
    [InlineData("```json\n{\"name\": \"read_file\"")]
    [InlineData("[TOOL_CALLS][{\"name\": \"read_file\"")]
    [InlineData("<|python_tag|>{\"name\": \"read_file\"")]
    [InlineData("{\"name\": \"read_file\", \"arguments\": {")]
    [InlineData("<tool")]
    [InlineData("``")]
    [InlineData("[TOOL_C")]
    public void A_possible_call_start_is_held_until_it_is_decided(string text)
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed(text));
        Assert.Equal(text.Length, scanner.HeldLength);
    }

    [Theory]
    [InlineData("<function=nope>\n</function> ok")]
    [InlineData("<function=get_time>\n<parameter=timezone\n</function> ok")]
    [InlineData("<tool_call>\n<function=nope>\n</function>\n</tool_call> ok")]
    public void A_closed_block_that_is_no_call_is_released_in_the_delta_that_closes_it(string text)
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal(text, scanner.Feed(text));
        Assert.Equal(0, scanner.HeldLength);
    }

    [Fact]
    public void An_unclosed_bare_function_is_released_when_a_tool_call_block_shows_up()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("", scanner.Feed("<function=get_time>\n<parameter=timezone>\nUTC\n"));
        Assert.Equal("<function=get_time>\n<parameter=timezone>\nUTC\n", scanner.Feed("<tool_call>\n<function=get_status>\n"));
        var completion = scanner.Complete();

        Assert.Equal(ToolCallFormat.QwenXml, completion.Format);
        Assert.Equal("get_status", Assert.Single(completion.Calls).Name);
        Assert.Equal("", completion.RemainingContent);
    }

    [Fact]
    public void A_brace_that_may_still_open_a_named_call_mid_line_is_held_until_the_key_arrives()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("Result: ", scanner.Feed("Result: {"));
        Assert.Equal("", scanner.Feed("\"name\": \"get_status\", \"arguments\": {}}"));
        var completion = scanner.Complete();

        Assert.Equal("get_status", Assert.Single(completion.Calls).Name);
        Assert.Equal("", completion.RemainingContent);
        Assert.False(scanner.CompletedDegraded);
    }

    [Fact]
    public void A_mid_line_brace_without_a_leading_name_key_is_released_even_when_it_completes_a_call_shape()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        // Mid-line, the extractor only tries an object that opens with "name"; this one is prose to it.
        Assert.Equal("Result: ", scanner.Feed("Result: {"));
        Assert.Equal("{\"arguments\": {}, \"name\": \"get_status\"} ok", scanner.Feed("\"arguments\": {}, \"name\": \"get_status\"} ok"));
        Assert.False(scanner.Complete().Found);
    }

    [Fact]
    public void A_call_inside_invalid_json_is_still_found_and_held()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        // The outer "[" fails at "x"; the extractor then tries the candidates inside it, so the scanner must too.
        Assert.Equal("", scanner.Feed("[\n{\"name\": \"get_status\", \"arguments\": {}}\n"));
        Assert.Equal("[\n", scanner.Feed("x\n"));
        var completion = scanner.Complete();

        Assert.Equal("get_status", Assert.Single(completion.Calls).Name);
        Assert.Equal("x\n", completion.RemainingContent);
        Assert.False(scanner.CompletedDegraded);
    }

    [Fact]
    public void A_python_tag_call_after_whitespace_in_a_later_delta_is_found()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        Assert.Equal("Ok. ", scanner.Feed("Ok. <|python_tag|>"));
        Assert.Equal("", scanner.Feed(" {\"name\": \"get_status\", \"arguments\": {}}"));
        var completion = scanner.Complete();

        Assert.Equal(ToolCallFormat.PythonTag, completion.Format);
        Assert.Equal("get_status", Assert.Single(completion.Calls).Name);
        Assert.False(scanner.CompletedDegraded);
    }

    [Fact]
    public void Json_work_counts_each_char_a_json_scan_covers()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var json = "{\"rows\": [" + string.Join(", ", Enumerable.Range(0, 200).Select(i => $"[{i}, {{\"k\": {i}}}]")) + "]}";
        var text = "Config:\n" + json + "\nDone";

        Assert.Equal(text, scanner.Feed(text));

        // One scan of the value; the "[" and "{" inside a complete value that is no call are not scanned again.
        Assert.Equal(json.Length, scanner.JsonWork);
    }

    [Fact]
    public void Json_data_larger_than_the_fixed_work_allowance_is_still_released_when_complete()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var json = "{\"blob\": \"" + new string('z', 100_000) + "\"}";
        var text = "Data:\n" + json + "\nDone";

        var released = new StringBuilder();
        foreach (var piece in text.Chunk(4096))
        {
            released.Append(scanner.Feed(new string(piece)));
        }

        Assert.Equal(text, released.ToString());
        Assert.InRange(scanner.JsonWork, json.Length, json.Length + (text.Length / 4096) + 1);
    }

    [Fact]
    public void Overlapping_json_scans_are_capped_by_an_operation_count()
    {
        // Every "[" line starts a candidate that scans to the "x" before failing: 50 scans of the whole text
        // without a cap, quadratic in the number of lines.
        var text = string.Concat(Enumerable.Repeat("[\n", 50)) + string.Concat(Enumerable.Repeat("0,", 20_000)) + "x\n";
        foreach (var deltaLength in new[] { text.Length, 4096 })
        {
            var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
            var released = new StringBuilder();
            foreach (var piece in text.Chunk(deltaLength))
            {
                released.Append(scanner.Feed(new string(piece)));
            }

            // The cap is 4 chars of scanning per char of content, plus one scan that may start just below it.
            var bound = (5L * text.Length) + 65_536;
            Assert.InRange(scanner.JsonWork, text.Length, bound);

            // Past the cap a candidate is held rather than scanned, and comes out whole at the end.
            Assert.True(scanner.HeldLength > 0);
            var completion = scanner.Complete();
            Assert.False(completion.Found);
            Assert.Equal(text, released + completion.RemainingContent);
        }
    }

    [Fact]
    public void A_closing_tag_is_not_mistaken_for_an_opener()
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);

        // The second <tool_call> closes nothing: only the first is an opener, and it holds until it is decided.
        Assert.Equal("Use ", scanner.Feed("Use <tool_call>\n<function=nope>\n</function>\n"));
        Assert.Equal("<tool_call>\n<function=nope>\n</function>\n</tool_call> then ```x``` and ", scanner.Feed("</tool_call> then ```x``` and "));
        Assert.Equal(0, scanner.HeldLength);
    }

    internal static void AssertStreamingMatchesExtract(string content, int[] cuts)
    {
        var scanner = new StreamingToolCallScanner(TestTools.Fixtures);
        var released = new StringBuilder();
        foreach (var delta in Split(content, cuts))
        {
            released.Append(scanner.Feed(delta));
        }

        // Early release, checked independently of the extractor: nothing before the first char that can start a
        // call ('<', '[', '{', '`') may still be held once every delta is in, unless it is only whitespace.
        var firstCandidate = content.AsSpan().IndexOfAny("<[{`");
        var prose = firstCandidate < 0 ? content : content[..firstCandidate];
        if (!string.IsNullOrWhiteSpace(prose))
        {
            Assert.StartsWith(prose, released.ToString(), StringComparison.Ordinal);
        }

        var completion = scanner.Complete();
        var expected = ToolCallExtractor.ExtractUnguarded(content, TestTools.Fixtures);

        Assert.False(scanner.CompletedDegraded, $"degraded completion for {System.Text.Json.JsonSerializer.Serialize(content)} cut at [{string.Join(",", cuts)}], released {System.Text.Json.JsonSerializer.Serialize(released.ToString())}");
        Assert.Equal(expected.Found ? expected.Content ?? "" : content, released + completion.RemainingContent);
        Assert.Equal(expected.Format, completion.Format);
        Assert.Equal(expected.Calls.Select(c => c.Name), completion.Calls.Select(c => c.Name));
        for (int i = 0; i < expected.Calls.Count; i++)
        {
            Assert.Equal(expected.Calls[i].ArgumentsJson, completion.Calls[i].ArgumentsJson);
        }
    }

    private static IEnumerable<string> Split(string content, int[] cuts)
    {
        int previous = 0;
        foreach (var cut in cuts.Where(c => c > 0 && c < content.Length).Order().Append(content.Length))
        {
            if (cut > previous)
            {
                yield return content[previous..cut];
                previous = cut;
            }
        }
    }
}
