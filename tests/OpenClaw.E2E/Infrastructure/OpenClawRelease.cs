namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>One installed OpenClaw version: its CLI and the HOME that <c>openclaw setup</c> produced for it.</summary>
public sealed record OpenClawRelease(string Version, string Executable, string TemplateHome)
{
    /// <summary>2026.9.x differs in tool names, ids, <c>tool_choice</c> and adds log lines before <c>--json</c> output.</summary>
    public bool IsSeptember2026OrLater =>
        System.Version.TryParse(Version.Split('-')[0], out var parsed) && parsed >= new System.Version(2026, 9);

    public override string ToString() => Version;
}
