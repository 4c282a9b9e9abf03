namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>A theory needing the real OpenClaw CLI; skipped only when a developer (never CI) asks for it.</summary>
public sealed class OpenClawTheoryAttribute : TheoryAttribute
{
    public OpenClawTheoryAttribute()
    {
        if (OpenClawEnvironment.SkipRequested)
        {
            Skip = $"{OpenClawEnvironment.SkipVariable}=1: real OpenClaw tests skipped on request.";
        }
    }
}
