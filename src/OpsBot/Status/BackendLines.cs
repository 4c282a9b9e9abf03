using System.Globalization;
using OpsBot.ProxyCore.Proxy.Backends;

namespace OpsBot.Status;

/// <summary>
/// /status and <c>opsbot status</c>: one line per vLLM backend behind the proxy (only with several), the same words in
/// Discord and the terminal: name, state, requests in flight and served, and why it last failed.
/// </summary>
public static class BackendLines
{
    public const string Title = "vLLM backends";

    public static IReadOnlyList<string> Of(IReadOnlyList<BackendSnapshot>? backends) =>
        backends is null ? [] : [.. backends.Select(Line)];

    private static string Line(BackendSnapshot backend)
    {
        var state = backend.State.Replace('_', ' ');
        var load = string.Create(CultureInfo.InvariantCulture, $"{backend.Outstanding} in flight, {backend.Served} served");
        return backend.State == BackendSnapshot.Healthy || backend.LastError is null
            ? $"{backend.Name} {state} · {load}"
            : $"{backend.Name} {state} · {load} · {backend.LastError}";
    }
}
