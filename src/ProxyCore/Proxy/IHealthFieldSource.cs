namespace OpsBot.ProxyCore.Proxy;

/// <summary>
/// Adds fields to the <c>GET /health</c> body after the v4 fields, which stay as they are (OpsBot adds its components'
/// states). Registered in the proxy application's services; called on every request, so keep it cheap.
/// </summary>
public interface IHealthFieldSource
{
    void AddFields(IDictionary<string, object?> body);
}
