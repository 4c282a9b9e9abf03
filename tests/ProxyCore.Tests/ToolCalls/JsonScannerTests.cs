using OpsBot.ProxyCore.ToolCalls.Json;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

public sealed class JsonScannerTests
{
    [Theory]
    [InlineData("{}", 2)]
    [InlineData("{\"a\":[1,-2.5e+3,true,false,null,\"x\\\"y\\u00e9\"]} tail", 46)]
    [InlineData("  [ ] ", 5)]
    [InlineData("0", 1)]
    [InlineData("-0.0e0,", 6)]
    [InlineData("\"\\/\"", 4)]
    public void Complete_values_end_where_the_value_ends(string text, int end)
    {
        Assert.Equal(ScanStatus.Complete, JsonScanner.Scan(text, 0, out int actual));
        Assert.Equal(end, actual);
    }

    [Theory]
    [InlineData("{\"a\":1,}")]
    [InlineData("[1,]")]
    [InlineData("{'a':1}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("[01]")]
    [InlineData("[1.]")]
    [InlineData("[.5]")]
    [InlineData("[NaN]")]
    [InlineData("[tru]")]
    [InlineData("\"a\nb\"")]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12g4\"")]
    [InlineData("{\"a\":1]")]
    public void Invalid_json_is_rejected(string text)
    {
        Assert.Equal(ScanStatus.Invalid, JsonScanner.Scan(text, 0, out _));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"a\":")]
    [InlineData("[1, 2")]
    [InlineData("\"abc")]
    [InlineData("\"\\u12")]
    [InlineData("[tr")]
    [InlineData("[-")]
    public void Truncated_json_is_incomplete(string text)
    {
        Assert.Equal(ScanStatus.Incomplete, JsonScanner.Scan(text, 0, out _));
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_invalid_not_a_stack_overflow()
    {
        var deep = new string('[', 100_000) + new string(']', 100_000);

        Assert.Equal(ScanStatus.Invalid, JsonScanner.Scan(deep, 0, out int at));
        Assert.Equal(JsonScanner.MaxDepth, at);
    }

    [Fact]
    public void Top_level_number_at_the_end_is_complete_only_when_the_text_is_final()
    {
        var scanner = JsonScanner.At(0);

        Assert.Equal(ScanStatus.Incomplete, scanner.Advance("12", isFinal: false));
        Assert.Equal(ScanStatus.Complete, scanner.Advance("12", isFinal: true));
    }

    [Theory]
    [InlineData("{\"name\": \"x\", \"arguments\": {\"a\": [1, 2.5e-3, \"\\u00e9\\\"\", true, null]}} rest")]
    [InlineData("[{\"a\": \"b\"}, {\"c\": -0}]")]
    [InlineData("{\"a\": \"unterminated")]
    [InlineData("{\"a\": tru }")]
    [InlineData("{\"a\": 1 2}")]
    public void Resuming_over_any_split_gives_the_same_answer_as_one_scan(string text)
    {
        var expected = JsonScanner.Scan(text, 0, out int expectedEnd);
        for (int step = 1; step <= 7; step++)
        {
            var scanner = JsonScanner.At(0);
            var status = ScanStatus.Incomplete;
            for (int length = step; ; length = Math.Min(length + step, text.Length))
            {
                status = scanner.Advance(text.AsSpan(0, length), isFinal: length == text.Length);
                if (status != ScanStatus.Incomplete || length == text.Length)
                {
                    break;
                }
            }

            Assert.Equal(expected, status);
            Assert.Equal(expectedEnd, scanner.Position);
        }
    }
}
