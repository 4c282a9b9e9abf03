using System.Text;
using OpsBot.Discord.Interactions;
using OpsBot.Ops;

namespace OpsBot.Discord.Commands;

/// <summary>/status: one embed, a field per service, coloured by the worst state.</summary>
public sealed class StatusModule(IStatusService status, TimeProvider time) : InteractionModuleBase
{
    [SlashCommand("status", "Show the health of vLLM, the proxy and the OpenClaw gateway")]
    public async Task StatusAsync()
    {
        // Status probes the stack over the network; defer so a slow probe never breaks Discord's 3-second rule.
        await DeferAsync();
        var snapshot = await status.GetStatusAsync(CancellationToken);
        await ModifyOriginalAsync(new DiscordMessage { Embeds = [BuildEmbed(snapshot, time.GetUtcNow())] });
    }

    public static DiscordEmbed BuildEmbed(StackStatus snapshot, DateTimeOffset now)
    {
        var fields = snapshot.Services.Select(service =>
        {
            var value = new StringBuilder(service.Summary.Length == 0 ? "-" : service.Summary);
            foreach (var (key, detail) in service.Details)
            {
                value.Append('\n').Append("**").Append(key).Append("**: ").Append(detail);
            }

            return new DiscordEmbedField($"{Icon(service.State)} {ServiceNames.Of(service.Service)}: {service.State}", value.ToString());
        }).ToList();

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

    public static string Icon(HealthState state) => state switch
    {
        HealthState.Healthy => "✅",
        HealthState.Degraded => "⚠️",
        HealthState.Down => "❌",
        _ => "❔",
    };
}
