using OpsBot.Ops;

namespace OpsBot.Cli;

/// <summary>Smoke test names as typed (<c>opsbot smoke 2+2</c>, <c>/smoke tmp</c>) and as shown.</summary>
public static class SmokeTests
{
    /// <summary>Proxy first: when it fails, the agent tests cannot pass, and it is the quickest to tell.</summary>
    public static IReadOnlyList<SmokeTestKind> All { get; } = [SmokeTestKind.ProxyDirect, SmokeTestKind.TwoPlusTwo, SmokeTestKind.ListTmp];

    public static IReadOnlyList<string> Names { get; } = ["proxy", "2+2", "tmp", "all"];

    public static bool TryParse(string? text, out IReadOnlyList<SmokeTestKind> kinds)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case null or "" or "all":
                kinds = All;
                return true;
            case "proxy" or "proxy-direct" or "direct":
                kinds = [SmokeTestKind.ProxyDirect];
                return true;
            case "2+2" or "math" or "two-plus-two" or "twoplustwo":
                kinds = [SmokeTestKind.TwoPlusTwo];
                return true;
            case "tmp" or "list-tmp" or "files" or "listtmp":
                kinds = [SmokeTestKind.ListTmp];
                return true;
            default:
                kinds = [];
                return false;
        }
    }

    public static string Describe(SmokeTestKind kind) => kind switch
    {
        SmokeTestKind.TwoPlusTwo => "\"What is 2+2?\"",
        SmokeTestKind.ListTmp => "\"List the files in /tmp\"",
        _ => "proxy direct",
    };
}
