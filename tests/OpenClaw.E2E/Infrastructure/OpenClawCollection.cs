namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// Every test of this project shares one installation and runs one after another: each OpenClaw turn already
/// keeps both cores busy, and sequential runs keep the timings readable.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OpenClawCollection : ICollectionFixture<OpenClawFixture>
{
    public const string Name = "OpenClaw";
}
