using OpsBot.Ops;

namespace OpsBot.Operations;

/// <summary>
/// What <c>/smoke test:</c> and <c>opsbot smoke</c> run: one test, or all of them. The one name table of smoke tests; each
/// single test has its <see cref="SmokeTestKind"/>'s value. Declaration order is the order <see cref="All"/> runs them in:
/// the proxy first, because when it fails the agent tests cannot pass, and it is the quickest to tell.
/// </summary>
public enum SmokeTestSelection
{
    [ChoiceDisplay("proxy-direct", "proxy", "direct")]
    ProxyDirect = SmokeTestKind.ProxyDirect,

    [ChoiceDisplay("2+2", "math", "two-plus-two", "twoplustwo")]
    TwoPlusTwo = SmokeTestKind.TwoPlusTwo,

    [ChoiceDisplay("list-tmp", "tmp", "files", "listtmp")]
    ListTmp = SmokeTestKind.ListTmp,

    [ChoiceDisplay("all")]
    All = -1,
}
