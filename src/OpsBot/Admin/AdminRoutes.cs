using System.Globalization;
using OpsBot.Charts;
using OpsBot.History;
using OpsBot.Ops;

namespace OpsBot.Admin;

/// <summary>The admin endpoint's routes, in one place for the service that maps them and the CLI that calls them.</summary>
public static class AdminRoutes
{
    public const string Status = "/admin/status";
    public const string Logs = "/admin/logs/{service}";
    public const string History = "/admin/history";
    public const string Smoke = "/admin/smoke";
    public const string Chart = "/admin/chart";

    /// <summary>On a chart's answer: why it shows no data, URL-escaped (absent when it has data).</summary>
    public const string ChartNoDataHeader = "X-OpsBot-Chart-No-Data";

    /// <summary>On a chart's answer: <c>true</c> or <c>false</c>, whether history could be read.</summary>
    public const string HistoryAvailableHeader = "X-OpsBot-History-Available";

    public static string LogsFor(StackService service, int lines, string? target = null) =>
        string.Create(CultureInfo.InvariantCulture, $"/admin/logs/{ServiceWord(service)}?lines={lines}")
        + (string.IsNullOrEmpty(target) ? "" : $"&target={Uri.EscapeDataString(target)}");

    public static string HistoryFor(HistoryQuery query) =>
        string.Create(CultureInfo.InvariantCulture, $"{History}?kind={query.Kind}&hours={(int)query.Window.TotalHours}&limit={query.Limit}");

    /// <param name="target">The gateway for the agent tests; null: the only one, or each of several.</param>
    public static string SmokeFor(string test, string requestedBy, string? target = null) =>
        $"{Smoke}?test={Uri.EscapeDataString(test)}&by={Uri.EscapeDataString(requestedBy)}"
        + (string.IsNullOrEmpty(target) ? "" : $"&target={Uri.EscapeDataString(target)}");

    /// <param name="size">Null for the service's configured size.</param>
    public static string ChartFor(ChartRange range, ChartSize? size) =>
        $"{Chart}?since={range.Name}" + (size is { } s ? $"&size={s}" : "");

    public static string ServiceWord(StackService service) => service.ToString().ToLowerInvariant();
}
