namespace OpsBot.Admin;

/// <summary>The service's local admin endpoint (section <c>Admin</c>), which the CLI asks first.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// Unix domain socket. Empty means <c>$XDG_RUNTIME_DIR/opsbot/admin.sock</c>, or
    /// <c>/tmp/opsbot-&lt;uid&gt;/admin.sock</c> without <c>XDG_RUNTIME_DIR</c>; in a development run,
    /// <c>dev-state/admin.sock</c> beside the development database.
    /// </summary>
    public string? SocketPath { get; set; }

    /// <summary>False turns the endpoint off; the CLI then always probes directly.</summary>
    public bool Enabled { get; set; } = true;
}
