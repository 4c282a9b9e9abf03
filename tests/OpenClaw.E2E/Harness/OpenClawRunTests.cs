using OpsBot.OpenClaw.E2E.Infrastructure;

namespace OpsBot.OpenClaw.E2E.Harness;

public sealed class OpenClawRunTests
{
    [Fact]
    public void Reply_is_stdout_without_openclaws_bracketed_log_lines()
    {
        var run = new OpenClawRun("cmd", 0,
            "[agent/embedded] tool-search: cataloged 52 tools\n<tool_call>\n</tool_call>\n[agents/agent-command] run ended\n",
            string.Empty, TimeSpan.FromSeconds(1), TimedOut: false);

        Assert.Equal("<tool_call>\n</tool_call>", run.Reply);
    }

    [Theory]
    [InlineData("2026.2.12", false)]
    [InlineData("2026.9.6", true)]
    [InlineData("2026.10.1", true)]
    [InlineData("2027.1.0-beta.1", true)]
    public void Release_generation_is_compared_by_version_not_by_text(string version, bool september2026OrLater)
    {
        Assert.Equal(september2026OrLater, new OpenClawRelease(version, "openclaw", "/home").IsSeptember2026OrLater);
    }
}
