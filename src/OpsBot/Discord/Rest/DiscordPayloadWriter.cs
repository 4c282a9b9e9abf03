using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OpsBot.Discord.Rest;

/// <summary>Writes message and interaction-response JSON exactly as Discord documents it.</summary>
public static class DiscordPayloadWriter
{
    public const int EphemeralFlag = 1 << 6;
    public const int SuppressNotificationsFlag = 1 << 12;

    /// <summary>Discord payloads are never embedded in HTML, so "+", "&lt;" or emoji need no \u escapes.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes a message object. <paramref name="replace"/> (edits, update-message callbacks) writes empty/null values for
    /// absent parts so the edit replaces the whole message instead of merging with what was there.
    /// </summary>
    public static void WriteMessage(Utf8JsonWriter writer, DiscordMessage message, bool ephemeral, bool replace, string? nonce = null)
    {
        writer.WriteStartObject();

        if (message.Content is { } content)
        {
            writer.WriteString("content", DiscordLimits.Truncate(content, DiscordLimits.Content));
        }
        else if (replace)
        {
            writer.WriteNull("content");
        }

        if (message.Embeds.Count > 0 || replace)
        {
            writer.WriteStartArray("embeds");
            var budget = DiscordLimits.EmbedTotal;
            foreach (var embed in message.Embeds.Take(DiscordLimits.EmbedsPerMessage))
            {
                WriteEmbed(writer, embed, ref budget);
            }

            writer.WriteEndArray();
        }

        WriteAllowedMentions(writer, message.AllowedMentions);

        var flags = (ephemeral ? EphemeralFlag : 0) | (message.SuppressNotifications ? SuppressNotificationsFlag : 0);
        if (flags != 0)
        {
            writer.WriteNumber("flags", flags);
        }

        if (message.Buttons.Count > 0 || replace)
        {
            writer.WriteStartArray("components");
            if (message.Buttons.Count > 0)
            {
                writer.WriteStartObject();
                writer.WriteNumber("type", 1);
                writer.WriteStartArray("components");
                foreach (var button in message.Buttons.Take(DiscordLimits.ButtonsPerRow))
                {
                    if (button.CustomId.Length is 0 or > DiscordLimits.CustomId)
                    {
                        throw new ArgumentException($"Button custom_id must be 1-{DiscordLimits.CustomId} characters.", nameof(message));
                    }

                    writer.WriteStartObject();
                    writer.WriteNumber("type", 2);
                    writer.WriteNumber("style", (int)button.Style);
                    writer.WriteString("label", DiscordLimits.Truncate(button.Label, DiscordLimits.ButtonLabel));
                    writer.WriteString("custom_id", button.CustomId);
                    writer.WriteBoolean("disabled", button.Disabled);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (message.Attachments.Count > 0 || replace)
        {
            // On edits Discord keeps only the attachments listed here, so an empty list drops earlier files.
            writer.WriteStartArray("attachments");
            for (var i = 0; i < message.Attachments.Count; i++)
            {
                var attachment = message.Attachments[i];
                writer.WriteStartObject();
                writer.WriteNumber("id", i);
                writer.WriteString("filename", attachment.FileName);
                if (attachment.Description is { } description)
                {
                    writer.WriteString("description", DiscordLimits.Truncate(description, 1024));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (nonce is not null)
        {
            // Same nonce on a retried POST makes Discord return the first message instead of posting a duplicate.
            writer.WriteString("nonce", nonce);
            writer.WriteBoolean("enforce_nonce", true);
        }

        writer.WriteEndObject();
    }

    public static void WriteInteractionResponse(Utf8JsonWriter writer, InteractionResponse response)
    {
        writer.WriteStartObject();
        writer.WriteNumber("type", (int)response.Type);
        switch (response.Type)
        {
            case InteractionCallbackType.ChannelMessageWithSource:
            case InteractionCallbackType.UpdateMessage:
                writer.WritePropertyName("data");
                WriteMessage(
                    writer,
                    response.Message ?? throw new ArgumentException("A message callback needs a message.", nameof(response)),
                    response.Ephemeral && response.Type == InteractionCallbackType.ChannelMessageWithSource,
                    replace: response.Type == InteractionCallbackType.UpdateMessage);
                break;
            case InteractionCallbackType.DeferredChannelMessageWithSource when response.Ephemeral:
                writer.WriteStartObject("data");
                writer.WriteNumber("flags", EphemeralFlag);
                writer.WriteEndObject();
                break;
            case InteractionCallbackType.AutocompleteResult:
                writer.WriteStartObject("data");
                writer.WriteStartArray("choices");
                foreach (var choice in response.Choices ?? [])
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", choice.Name);
                    switch (choice.Value)
                    {
                        case string text:
                            writer.WriteString("value", text);
                            break;
                        case long integer:
                            writer.WriteNumber("value", integer);
                            break;
                        case int integer:
                            writer.WriteNumber("value", integer);
                            break;
                        case double number:
                            writer.WriteNumber("value", number);
                            break;
                        default:
                            throw new ArgumentException($"Autocomplete choice '{choice.Name}' has a {choice.Value?.GetType().Name ?? "null"} value.", nameof(response));
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteEmbed(Utf8JsonWriter writer, DiscordEmbed embed, ref int budget)
    {
        writer.WriteStartObject();
        if (embed.Title is { Length: > 0 } title && Take(title, DiscordLimits.EmbedTitle, ref budget) is { Length: > 0 } clampedTitle)
        {
            writer.WriteString("title", clampedTitle);
        }

        if (embed.Description is { Length: > 0 } description && Take(description, DiscordLimits.EmbedDescription, ref budget) is { Length: > 0 } clampedDescription)
        {
            writer.WriteString("description", clampedDescription);
        }

        if (embed.Url is { Length: > 0 } url)
        {
            writer.WriteString("url", url);
        }

        if (embed.Color is { } color)
        {
            writer.WriteNumber("color", color & 0xFFFFFF);
        }

        if (embed.Fields.Count > 0)
        {
            writer.WriteStartArray("fields");
            foreach (var field in embed.Fields.Take(DiscordLimits.EmbedFields))
            {
                // Discord rejects empty names and values, so a field needs at least one character of each.
                if (budget < 2)
                {
                    break;
                }

                var name = Take(field.Name.Length == 0 ? "-" : field.Name, Math.Min(DiscordLimits.FieldName, budget - 1), ref budget);
                var value = Take(field.Value.Length == 0 ? "-" : field.Value, DiscordLimits.FieldValue, ref budget);
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteString("value", value);
                writer.WriteBoolean("inline", field.Inline);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (embed.FooterText is { Length: > 0 } footer && Take(footer, DiscordLimits.FooterText, ref budget) is { Length: > 0 } clampedFooter)
        {
            writer.WriteStartObject("footer");
            writer.WriteString("text", clampedFooter);
            writer.WriteEndObject();
        }

        if (embed.Timestamp is { } timestamp)
        {
            writer.WriteString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
    }

    // The 6000-character total spans all embeds of a message: later text gets what earlier text left.
    private static string Take(string text, int max, ref int budget)
    {
        var result = DiscordLimits.Truncate(text, Math.Max(0, Math.Min(max, budget)));
        budget -= result.Length;
        return result;
    }

    private static void WriteAllowedMentions(Utf8JsonWriter writer, DiscordAllowedMentions mentions)
    {
        writer.WriteStartObject("allowed_mentions");
        if (mentions.Roles.Count == 0 && mentions.Users.Count == 0)
        {
            writer.WriteStartArray("parse");
            writer.WriteEndArray();
        }
        else
        {
            // An explicit id list must not be combined with the same kind in "parse" (Discord answers 400).
            WriteIds(writer, "roles", mentions.Roles);
            WriteIds(writer, "users", mentions.Users);
        }

        writer.WriteEndObject();
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, IReadOnlyList<ulong> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var id in ids.Take(100))
        {
            writer.WriteStringValue(id.ToString(CultureInfo.InvariantCulture));
        }

        writer.WriteEndArray();
    }
}
