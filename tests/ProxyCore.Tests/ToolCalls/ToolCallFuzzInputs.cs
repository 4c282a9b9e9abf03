using FsCheck;
using FsCheck.Fluent;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>
/// Generators for fuzzing: marker-dense token soup, and the fixture contents with random damage
/// (truncation, inserted markers, flipped chars, deleted or duplicated slices).
/// </summary>
internal static class ToolCallFuzzInputs
{
    private static readonly string[] Tokens =
    [
        "<tool_call>", "</tool_call>", "<function=", "<function=read_file>", "<function=get_time>", "</function>",
        "<parameter=", "<parameter=path>", "<parameter=start_line>", "</parameter>", "<tools>", "</tools>",
        "[TOOL_CALLS]", "[ARGS]", "<|python_tag|>", "```", "```json", "{", "}", "[", "]", "(", ")", "\"", "'", "\\",
        ":", ",", ";", "\n", "\r\n", " ", "\t", "\"name\"", "\"arguments\"", "\"parameters\"", "\"description\"",
        "\"read_file\"", "\"get_time\"", "\"nope\"", "read_file", "get_time", "search", "null", "true", "True",
        "None", "1", "-", ".", "e", "0", "42", "\"a.cs\"", "\\u00e9", "\\ud800", "\uD800", "\uDC00", "é", "😀",
        "\"path\": \"a\"", "{\"name\": \"get_time\", \"arguments\": {}}", "{\"name\": \"read_file\", \"parameters\": {\"path\": \"x\"}}",
        "\n<tool_call>\n<function=get_time>\n</function>\n</tool_call>", "prose words ", "<toolbox>", "<too", "``", "[TOOL",
    ];

    private static readonly string[] InsertableMarkers =
    [
        "<tool_call>", "</tool_call>", "<function=", "</function>", "<parameter=", "</parameter>", ">", "<tools>",
        "</tools>", "[TOOL_CALLS]", "<|python_tag|>", "```", "{", "}", "[", "]", "\"", "\\", "\n", ";",
    ];

    public static Lazy<string[]> FixtureContents { get; } = new(() => Directory
        .GetFiles(SharedReference.VllmFixturesDirectory, "nonstream_*.json")
        .Order(StringComparer.Ordinal)
        .Select(f => FixtureContentExtractionTests.FixtureContent(Path.GetFileName(f)))
        .Concat(
        [
            "<tool_call>\n<function=read_file>\n<parameter=path>\na.cs\n</parameter>\n<parameter=start_line>\n3\n</parameter>\n</function>\n</tool_call>\nAfter.",
            "Intro\n```json\n[{\"name\": \"get_time\", \"arguments\": {}}, {\"name\": \"get_status\"}]\n```\nOutro",
            "[TOOL_CALLS]search[ARGS]{\"query\": \"x\"}",
            "Text { with } braces\n{\n  \"name\": \"get_status\"\n}\n",
        ])
        .ToArray());

    public static Arbitrary<string> TokenSoup => Arb.From(
        Gen.ListOf(Gen.Elements(Tokens)).Select(parts => string.Concat(parts)));

    /// <summary>Several fixture contents and call snippets glued together: mixed formats in one answer.</summary>
    public static Arbitrary<string> Composite => Arb.From(
        from parts in Gen.ListOf(Gen.Elements(FixtureContents.Value.Concat(Snippets).ToArray()), 4)
        from separator in Gen.Elements("", "\n", " ", "\n\n", "\n```\n", "<tool_call>", "\n{\n")
        select string.Join(separator, parts));

    private static readonly string[] Snippets =
    [
        "<function=get_time>\n</function>",
        "<tool_call>\n{\"name\": \"nope\", \"arguments\": {}}\n</tool_call>",
        "{\"name\": \"my-app\", \"version\": 2}",
        "<tools>\n{\"name\": \"get_time\"}\n</tools>",
        "```python\nx = {\"name\": \"get_time\"}\n```",
        "[TOOL_CALLS]get_time[ARGS]{}",
        "<|python_tag|>{\"name\": \"get_status\", \"parameters\": {}}; {\"name\": \"get_time\", \"parameters\": {}}",
        "Some prose with a { brace and a [link](x).",
    ];

    public static Arbitrary<string> MutatedFixture => Arb.From(
        from fixture in Gen.Elements(FixtureContents.Value)
        from count in Gen.Choose(1, 3)
        from mutations in Gen.ListOf(Mutation(), count)
        select mutations.Aggregate(fixture, (text, mutate) => mutate(text)));

    /// <summary>Random splits of a text into consecutive deltas (as cut points).</summary>
    public static Gen<int[]> CutPoints(int length) =>
        Gen.ListOf(Gen.Choose(0, Math.Max(length, 0)), Math.Min(length, 12)).Select(points => points.Distinct().Order().ToArray());


    private static Gen<Func<string, string>> Mutation() => Gen.OneOf(
        Gen.Choose(0, 1000).Select<int, Func<string, string>>(p => text => text[..(p * text.Length / 1000)]),
        Gen.Zip(Gen.Choose(0, 1000), Gen.Elements(InsertableMarkers))
            .Select<(int, string), Func<string, string>>(t => text => text.Insert(t.Item1 * text.Length / 1000, t.Item2)),
        Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(0, 0xFFFF))
            .Select<(int, int), Func<string, string>>(t => text => Flip(text, t.Item1, (char)t.Item2)),
        Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(1, 40))
            .Select<(int, int), Func<string, string>>(t => text => Delete(text, t.Item1, t.Item2)),
        Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(1, 60))
            .Select<(int, int), Func<string, string>>(t => text => Duplicate(text, t.Item1, t.Item2)));

    private static string Flip(string text, int permille, char c)
    {
        if (text.Length == 0)
        {
            return text;
        }

        int at = Math.Min(permille * text.Length / 1000, text.Length - 1);
        return string.Concat(text.AsSpan(0, at), new string(c, 1), text.AsSpan(at + 1));
    }

    private static string Delete(string text, int permille, int count)
    {
        int at = permille * text.Length / 1000;
        return text.Remove(at, Math.Min(count, text.Length - at));
    }

    private static string Duplicate(string text, int permille, int count)
    {
        int at = permille * text.Length / 1000;
        var slice = text.Substring(at, Math.Min(count, text.Length - at));
        return text.Insert(at, slice);
    }
}
