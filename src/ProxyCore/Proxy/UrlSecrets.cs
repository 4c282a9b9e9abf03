namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Hides the user-info part of a URL (<c>http://user:pass@host</c>) wherever the URL is shown: <c>/health</c>,
/// <c>/</c>, the start-up log line and every upstream error sent to clients or logged.
/// </summary>
internal static class UrlSecrets
{
    public const string Placeholder = "***";

    /// <summary><c>http://user:pass@host:8000</c> → <c>http://***@host:8000</c>; anything without user info (or not a URL) unchanged.</summary>
    public static string Mask(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return url;
        }

        var start = scheme + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        end = end < 0 ? url.Length : end;
        // The last '@' of the authority ends the user info, as for Uri.
        var at = url.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? url : url[..start] + Placeholder + url[at..];
    }

    public static Uri Mask(Uri uri) => string.IsNullOrEmpty(uri.UserInfo) ? uri : new Uri(Mask(uri.OriginalString), UriKind.Absolute);
}
