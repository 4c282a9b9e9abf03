namespace OpsBot.Ops.Ssh;

/// <summary>Compares the server's host key with the pinned fingerprint (SHA256:base64, unpadded).</summary>
public static class HostKeyPin
{
    public static string Normalize(string fingerprint)
    {
        var value = fingerprint.Trim();
        if (!value.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            value = "SHA256:" + value;
        }

        return value.TrimEnd('=');
    }

    public static bool Matches(string pinned, string seen) =>
        string.Equals(Normalize(pinned), Normalize(seen), StringComparison.Ordinal);

    public static string RejectionMessage(string host, int port, string pinned, string seen) =>
        $"host key of {host}:{port} does not match the pinned fingerprint: expected {Normalize(pinned)}, server presented {Normalize(seen)}; refusing to connect";
}
