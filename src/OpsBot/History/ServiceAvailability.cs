using OpsBot.Ops;

namespace OpsBot.History;

public sealed record ServiceAvailability(StackService Service, double UptimePercent, TimeSpan Downtime, int Outages);
