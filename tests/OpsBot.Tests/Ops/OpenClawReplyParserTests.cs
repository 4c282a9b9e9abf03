using OpsBot.Ops;
using OpsBot.Ops.SmokeTests;

namespace OpsBot.Tests.Ops;

public sealed class OpenClawReplyParserTests
{
    // Shape of `openclaw agent --local --json` 2026.2.12 (summary-2026.2.12.txt: reply '4', total=11).
    private const string Json2026_2 = """
        {
          "payloads": [
            { "text": "4", "mediaUrl": null }
          ],
          "meta": {
            "durationMs": 4160,
            "agentMeta": {
              "sessionId": "b0c1", "provider": "vllm", "model": "Qwen/Qwen3-Coder-Next-FP8",
              "lastCallUsage": { "input": 9, "output": 2, "cacheRead": 0, "cacheWrite": 0, "total": 11 }
            }
          }
        }
        """;

    [Fact]
    public void Reads_payload_text_and_last_call_usage()
    {
        var reply = OpenClawReplyParser.Parse(Json2026_2);

        Assert.True(reply.FoundJson);
        Assert.Equal(["4"], reply.Texts);
        Assert.Equal(11, reply.TotalTokens);
        Assert.Null(SmokeTestEvaluator.Evaluate(SmokeTestKind.TwoPlusTwo, reply, Json2026_2));
    }

    [Fact]
    public void Skips_log_lines_and_colour_codes_that_2026_9_prints_before_the_json()
    {
        var stdout = "\u001b[36m12:00:01\u001b[0m [gateway] config loaded {\"level\":1}\n[agent] embedded run start\n{not json either\n" + Json2026_2 + "\n[agent] done\n";

        var reply = OpenClawReplyParser.Parse(stdout);

        Assert.True(reply.FoundJson);
        Assert.Equal("4", reply.Text);
    }

    [Fact]
    public void Empty_payloads_fail_with_the_token_count()
    {
        const string stdout = """{"payloads":[],"meta":{"agentMeta":{"lastCallUsage":{"total":0}}}}""";

        var failure = SmokeTestEvaluator.Evaluate(SmokeTestKind.TwoPlusTwo, OpenClawReplyParser.Parse(stdout), stdout);

        Assert.Equal("empty payloads (lastCallUsage.total=0)", failure);
    }

    [Fact]
    public void No_reply_from_agent_fails_even_in_plain_mode()
    {
        const string stdout = "[agent] embedded run start\nNo reply from agent.\n";

        var reply = OpenClawReplyParser.Parse(stdout);
        var failure = SmokeTestEvaluator.Evaluate(SmokeTestKind.TwoPlusTwo, reply, stdout);

        Assert.False(reply.FoundJson);
        Assert.Equal("No reply from agent.", reply.Text);
        Assert.StartsWith("OpenClaw said 'No reply from agent'", failure);
    }

    [Theory]
    [InlineData("2 + 2 = 4", true)]
    [InlineData("The answer is four.", true)]
    [InlineData("4", true)]
    [InlineData("It is 42.", false)]
    [InlineData("It is 4.5", false)]
    [InlineData("I cannot compute that", false)]
    public void Two_plus_two_needs_a_standalone_four(string answer, bool passes)
    {
        var reply = new OpenClawReply(true, [answer], new Dictionary<string, double>(), "");

        Assert.Equal(passes, SmokeTestEvaluator.Evaluate(SmokeTestKind.TwoPlusTwo, reply, answer) is null);
    }

    [Fact]
    public void Listing_must_name_real_tmp_entries_when_known()
    {
        string[] entries = ["jiti", "node-compile-cache", "oc", "openclaw", "openclaw-state-locks-0"];

        Assert.True(SmokeTestEvaluator.MentionsListing("Tool result received. Files in /tmp: jiti, node-compile-cache, oc, openclaw", entries));
        Assert.False(SmokeTestEvaluator.MentionsListing("Files in /tmp: alpha, beta", entries));
        Assert.False(SmokeTestEvaluator.MentionsListing("I listed /tmp for you.", entries));
    }

    [Fact]
    public void Without_known_entries_a_list_shape_is_required()
    {
        Assert.True(SmokeTestEvaluator.MentionsListing("Files in /tmp:\n- jiti\n- openclaw/\n- `node-compile-cache`", null));
        Assert.False(SmokeTestEvaluator.MentionsListing("I could not list the directory, sorry about that.", null));
    }
}
