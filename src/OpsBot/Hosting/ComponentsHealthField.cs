using OpsBot.Components;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.Hosting;

/// <summary>
/// <c>"components":{"discord":{"state":"disabled","reason":"Discord:GuildId is required …"},"history":{"state":"running"},…}</c>
/// in the proxy's <c>/health</c>, after v4's fields. <c>status</c> stays <c>ok</c> whatever a component does: it is the proxy's.
/// </summary>
public sealed class ComponentsHealthField(ComponentStates states) : IHealthFieldSource
{
    public const string Name = "components";

    public void AddFields(IDictionary<string, object?> body)
    {
        var components = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var component in states.Snapshot())
        {
            var entry = new Dictionary<string, string>(StringComparer.Ordinal) { ["state"] = component.StateName };
            if (component.Reason is { } reason)
            {
                entry["reason"] = reason;
            }

            components[component.Name] = entry;
        }

        body[Name] = components;
    }
}
