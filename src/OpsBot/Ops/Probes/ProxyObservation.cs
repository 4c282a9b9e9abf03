using OpsBot.ProxyCore.Events;

namespace OpsBot.Ops.Probes;

public sealed record ProxyObservation(bool ListenerRunning, Uri? Address, ProxyStatisticsSnapshot Statistics);
