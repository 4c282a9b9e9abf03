using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Bench.Hosts;

/// <summary>
/// The proxy's <c>Proxy:ToolStreaming</c> switch (buffer | stream). Looked up by reflection so the
/// benchmark builds against a ProxyCore that does not have it yet and reports stream mode as n/a.
/// </summary>
internal static class ToolStreaming
{
    private static readonly System.Reflection.PropertyInfo? Property = typeof(ProxyOptions).GetProperty("ToolStreaming");

    public static bool Supported => Property is not null;

    /// <summary>Command-line override understood by opsbot's configuration.</summary>
    public const string StreamSwitch = "--Proxy:ToolStreaming=stream";

    public static void UseStream(ProxyOptions options)
    {
        if (Property is null)
        {
            throw new NotSupportedException("This ProxyCore has no ToolStreaming option.");
        }

        Property.SetValue(options, Enum.Parse(Property.PropertyType, "Stream", ignoreCase: true));
    }
}
