using System.Text;
using OpsBot.Components;
using OpsBot.Discord.Interactions;
using OpsBot.Operations;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>/status: one embed, a field per service, coloured by the worst state.</summary>
public sealed class StatusModule(IOpsOperations operations, TimeProvider time) : InteractionModuleBase
{
    [SlashCommand("status", "Show the health of vLLM, the proxy and the OpenClaw gateway")]
    public async Task StatusAsync()
    {
        // Status probes the stack over the network; defer so a slow probe never breaks Discord's 3-second rule.
        await DeferAsync();
        var snapshot = await operations.GetStackStatusAsync(CancellationToken);
        await ModifyOriginalAsync(new DiscordMessage { Embeds = [BuildEmbed(snapshot, time.GetUtcNow(), operations.GetComponents())] });
    }

    /// <param name="components">OpsBot's own parts: those not running get a field saying why (a disabled history, failing alerts).</param>
    public static DiscordEmbed BuildEmbed(StackStatus snapshot, DateTimeOffset now, IReadOnlyList<ComponentStatus>? components = null)
    {
        var fields = snapshot.Services.Select(service =>
        {
            var value = new StringBuilder(service.Summary.Length == 0 ? "-" : service.Summary);
            foreach (var (key, detail) in service.Details)
            {
                value.Append('\n').Append("**").Append(key).Append("**: ").Append(detail);
            }

            return new DiscordEmbedField($"{Icon(service.State)} {EnumNames<StackService>.NameOf(service.Service)}: {service.State}", value.ToString());
        }).ToList();

        if (components?.Where(c => c.State is not (ComponentState.Running or ComponentState.Off)).ToList() is { Count: > 0 } troubled)
        {
            var lines = troubled.Select(c => $"{ComponentIcon(c.State)} **{c.Name}** {c.StateName}: {c.Reason}");
            fields.Add(new DiscordEmbedField("OpsBot components", Rest.DiscordLimits.Truncate(string.Join("\n", lines), 1024)));
        }

        var age = now - snapshot.TakenAt;
        return new DiscordEmbed
        {
            Title = "OpsBot status",
            Description = snapshot.Services.Count == 0
                ? "No services reported."
                : $"Overall: **{snapshot.Worst}**" + (age > TimeSpan.FromSeconds(30) ? $" (snapshot {DiscordText.Duration(age)} old)" : string.Empty),
            Color = DiscordColors.For(snapshot.Worst),
            Fields = fields,
            Timestamp = snapshot.TakenAt,
        };
    }

    private static string ComponentIcon(ComponentState state) => state switch
    {
        ComponentState.Starting => "⏳",
        ComponentState.Degraded => "⚠️",
        _ => "❌",
    };

    public static string Icon(HealthState state) => state switch
    {
        HealthState.Healthy => "✅",
        HealthState.Degraded => "⚠️",
        HealthState.Down => "❌",
        _ => "❔",
    };
}
