using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>
/// Something that happened on the fake gateway. <see cref="Kind"/>: connect, identify, resume, resume-refused, heartbeat,
/// ready, resumed, dispatch, closed (client closed or dropped), server-close (by the test), rule-close (the client broke a gateway
/// rule: <see cref="CloseCode"/> says which).
/// </summary>
public sealed record GatewayEvent(int Connection, string Kind, string Path, JsonNode? Payload, int? CloseCode, TimeSpan At)
{
    public override string ToString() => $"#{Connection} {Kind} {Path} close={CloseCode} {Payload?.ToJsonString()}";
}
