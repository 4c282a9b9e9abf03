using OpsBot.OpenClaw.E2E.Infrastructure;

namespace OpsBot.OpenClaw.E2E.Harness;

public sealed class OpenClawJsonReplyTests
{
    [Fact]
    public void Parse_skips_log_lines_before_the_document_and_ignores_lines_after_it()
    {
        const string stdout = """
            [agent/embedded] tool-search: cataloged 52 tools {not json}
            {
              "payloads": [{ "text": "4", "mediaUrl": null }],
              "meta": { "agentMeta": { "lastCallUsage": { "input": 10, "output": 1, "total": 11 } } }
            }
            [agents/agent-command] run ended with stopReason=stop
            """;

        var reply = OpenClawJsonReply.Parse(stdout);

        Assert.Equal(["4"], reply.PayloadTexts);
        Assert.Equal(1, reply.LastCallOutputTokens);
        Assert.Equal(11, reply.LastCallTotalTokens);
    }

    [Fact]
    public void Parse_reports_the_whole_output_when_there_is_no_document()
    {
        var error = Assert.Throws<FormatException>(() => OpenClawJsonReply.Parse("No reply from agent.\n"));

        Assert.Contains("No reply from agent.", error.Message);
    }
}
