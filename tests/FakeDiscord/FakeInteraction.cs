using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>What the fake knows about one dispatched interaction and how the bot answered it.</summary>
public sealed class FakeInteraction(ulong id, string token, bool isComponent, TimeSpan dispatchedAt, int? autocompleteOptionType = null)
{
    private readonly Lock _lock = new();

    public ulong Id { get; } = id;

    public string Token { get; } = token;

    public bool IsComponent { get; } = isComponent;

    public TimeSpan DispatchedAt { get; } = dispatchedAt;

    /// <summary>True for an autocomplete interaction (type 4), which only takes callback type 8.</summary>
    public bool IsAutocomplete => AutocompleteOptionType is not null;

    /// <summary>The registered type of the focused option of an autocomplete interaction (3, 4 or 10); its choices' values must fit it.</summary>
    public int? AutocompleteOptionType { get; } = autocompleteOptionType;

    /// <summary>The suggestions of an accepted type 8 answer.</summary>
    public JsonArray? Choices { get; private set; }

    /// <summary>Callback type of the accepted initial response, or null while unanswered.</summary>
    public int? CallbackType { get; private set; }

    public bool Ephemeral { get; private set; }

    public TimeSpan? AcknowledgedAt { get; private set; }

    /// <summary>The interaction's message as last written (callback type 4/7 or PATCH @original).</summary>
    public JsonObject? Original { get; private set; }

    public List<JsonObject> Edits { get; } = [];

    public List<JsonObject> Followups { get; } = [];

    internal Lock Sync => _lock;

    internal void Acknowledge(int type, bool ephemeral, JsonObject? message, TimeSpan at)
    {
        CallbackType = type;
        Ephemeral = ephemeral;
        AcknowledgedAt = at;
        if (type == InteractionRules.AutocompleteResult)
        {
            Choices = (JsonArray?)message?["choices"]?.DeepClone();
        }
        else if (message is not null)
        {
            Original = message;
        }
    }

    internal void Edit(JsonObject message)
    {
        Original = message;
        Edits.Add(message);
    }
}
