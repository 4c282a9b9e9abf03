namespace OpsBot.Ops;

/// <summary>The seed's smoke tests: "What is 2+2?" and "List the files in /tmp", plus a direct proxy check.</summary>
public enum SmokeTestKind
{
    TwoPlusTwo,
    ListTmp,
    ProxyDirect,
}
