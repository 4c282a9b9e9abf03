using OpsBot.OpenClaw.E2E.Infrastructure;

namespace OpsBot.OpenClaw.E2E.Harness;

public sealed class AnsiTextTests
{
    [Fact]
    public void Strip_removes_colours_and_hyperlinks_but_keeps_the_text()
    {
        const string coloured = "\u001b[1m\u001b[38;5;208m4\u001b[0m and \u001b]8;;https://x\u0007link\u001b]8;;\u0007";

        Assert.Equal("4 and link", AnsiText.Strip(coloured));
    }
}
