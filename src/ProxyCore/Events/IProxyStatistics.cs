namespace OpsBot.ProxyCore.Events;

/// <summary>Read side of the proxy's own counters.</summary>
public interface IProxyStatistics
{
    ProxyStatisticsSnapshot GetSnapshot();
}
