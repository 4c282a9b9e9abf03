namespace OpsBot.Charts;

/// <summary>
/// The optional daily digest (section <c>Alerts:Digest</c>): once a day, the last 24 h as a chart and one line of
/// figures, posted where alerts go. Off unless <see cref="Time"/> is set.
/// </summary>
public sealed class DigestOptions
{
    public const string SectionName = "Alerts:Digest";

    /// <summary>When to post, <c>HH:mm</c> on a 24-hour clock (e.g. <c>08:00</c>) in <see cref="TimeZone"/>. Empty: no digest.</summary>
    public string? Time { get; set; }

    /// <summary>
    /// The zone <see cref="Time"/> is read in: <c>UTC</c> (the default), <c>Local</c> (the server's own zone, as
    /// <c>TZ</c> or <c>/etc/localtime</c> set it), or an IANA zone such as <c>Europe/Berlin</c>. In a zone with daylight
    /// saving, a time the clocks skip posts at the first minute after the jump, and a time they pass twice posts the
    /// first time: one digest a day either way.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";
}
