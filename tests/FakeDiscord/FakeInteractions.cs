using System.Reflection;
using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>
/// Builds INTERACTION_CREATE payloads from the captured /status sample, varying id, token, command, options and invoker.
/// Ids and tokens are unique per build.
/// </summary>
public sealed class FakeInteractions(FakeDiscordOptions options)
{
    public const ulong OpsChannelId = 1300000000000000201;
    public const ulong AlertsChannelId = 1300000000000000202;
    public const ulong OpsRoleId = 1300000000000000301;
    public const ulong AliceUserId = 1300000000000000401;
    public const ulong BobUserId = 1300000000000000402;

    private static readonly JsonObject Template = LoadTemplate();
    private long _next = 1300000000000002000;

    public JsonObject SlashCommand(string name, IEnumerable<(string Name, object Value)>? commandOptions = null, ulong userId = AliceUserId, IEnumerable<ulong>? roles = null, ulong? guildId = null, ulong channelId = OpsChannelId)
    {
        var interaction = NewInteraction(2, userId, roles, guildId, channelId);
        var data = new JsonObject
        {
            ["id"] = "1300000000000000501",
            ["name"] = name,
            ["type"] = 1,
            ["guild_id"] = (guildId ?? options.GuildId).ToString(),
        };
        if (commandOptions is not null)
        {
            var array = new JsonArray();
            foreach (var (optionName, value) in commandOptions)
            {
                array.Add(new JsonObject
                {
                    ["name"] = optionName,
                    ["type"] = value switch { string => 3, bool => 5, double => 10, _ => 4 },
                    ["value"] = JsonValue.Create(value),
                });
            }

            data["options"] = array;
        }

        interaction["data"] = data;
        return interaction;
    }

    /// <summary>
    /// An autocomplete interaction (type 4, as <c>payloads/15</c>): the options filled in so far, and <paramref name="focused"/>
    /// with what the user has typed (<paramref name="typed"/>, partial text) and <c>focused: true</c>.
    /// </summary>
    public JsonObject Autocomplete(
        string name, string focused, string typed, IEnumerable<(string Name, object Value)>? otherOptions = null, int focusedType = 3,
        ulong userId = AliceUserId, IEnumerable<ulong>? roles = null, ulong? guildId = null, ulong channelId = OpsChannelId)
    {
        var interaction = SlashCommand(name, otherOptions, userId, roles, guildId, channelId);
        interaction["type"] = 4;
        var data = (JsonObject)interaction["data"]!;
        var options = data["options"] as JsonArray ?? [];
        options.Add(new JsonObject { ["name"] = focused, ["type"] = focusedType, ["value"] = typed, ["focused"] = true });
        data["options"] = options;
        return interaction;
    }

    public JsonObject Button(string customId, ulong messageId, ulong userId = AliceUserId, IEnumerable<ulong>? roles = null, ulong channelId = OpsChannelId)
    {
        var interaction = NewInteraction(3, userId, roles, null, channelId);
        interaction["data"] = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 };
        interaction["message"] = new JsonObject
        {
            ["id"] = messageId.ToString(),
            ["channel_id"] = channelId.ToString(),
            ["author"] = new JsonObject { ["id"] = options.ApplicationId.ToString(), ["username"] = "opsbot", ["bot"] = true },
            ["content"] = "(message with buttons)",
            ["flags"] = 0,
        };
        return interaction;
    }

    private JsonObject NewInteraction(int type, ulong userId, IEnumerable<ulong>? roles, ulong? guildId, ulong channelId)
    {
        var id = Interlocked.Increment(ref _next);
        var interaction = (JsonObject)Template.DeepClone();
        interaction["id"] = id.ToString();
        interaction["application_id"] = options.ApplicationId.ToString();
        interaction["type"] = type;
        interaction["token"] = $"aW50ZXJhY3Rpb246{id}OmZha2U-{Guid.NewGuid():N}";
        interaction["guild_id"] = (guildId ?? options.GuildId).ToString();
        interaction["channel_id"] = channelId.ToString();
        interaction["channel"]!["id"] = channelId.ToString();
        var member = interaction["member"]!;
        member["user"]!["id"] = userId.ToString();
        member["user"]!["username"] = userId == AliceUserId ? "alice.ops" : $"user{userId % 1000}";
        member["roles"] = new JsonArray((roles ?? [OpsRoleId]).Select(r => (JsonNode)JsonValue.Create(r.ToString())!).ToArray());
        return interaction;
    }

    private static JsonObject LoadTemplate()
    {
        using var stream = typeof(FakeInteractions).Assembly.GetManifestResourceStream("FakeDiscord.interaction-create-status.json")
            ?? throw new InvalidOperationException("Embedded interaction sample missing.");
        return (JsonObject)JsonNode.Parse(stream)!["d"]!.DeepClone();
    }
}
