using System.Buffers;
using System.Text;
using System.Text.Json;
using OpsBot.Discord.Rest;

namespace OpsBot.Discord.Interactions;

/// <summary>
/// The registration JSON of slash commands (Discord.Net's <c>ApplicationCommandRestUtil</c>), written from the same
/// <see cref="SlashCommandInfo"/> the router validates against, so what Discord offers and what OpsBot accepts cannot drift.
/// </summary>
public static class ApplicationCommandJson
{
    /// <summary>The JSON array for <c>PUT /applications/{app}/guilds/{guild}/commands</c>.</summary>
    public static string Write(IEnumerable<SlashCommandInfo> commands)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, DiscordPayloadWriter.WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var command in commands)
            {
                WriteCommand(writer, command);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCommand(Utf8JsonWriter writer, SlashCommandInfo command)
    {
        writer.WriteStartObject();
        writer.WriteString("name", command.Name);
        writer.WriteNumber("type", 1);
        writer.WriteString("description", command.Description);
        if (command.Preconditions.Select(p => p.DefaultMemberPermissions).FirstOrDefault(p => p is not null) is { } permissions)
        {
            writer.WriteString("default_member_permissions", permissions);
        }

        var options = command.Options.ToList();
        if (options.Count > 0)
        {
            writer.WriteStartArray("options");
            foreach (var option in options)
            {
                WriteOption(writer, option);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteOption(Utf8JsonWriter writer, CommandParameterInfo option)
    {
        writer.WriteStartObject();
        writer.WriteNumber("type", (int)option.Type);
        writer.WriteString("name", option.Name);
        writer.WriteString("description", option.Description);
        writer.WriteBoolean("required", option.IsRequired);
        if (option.IsAutocomplete)
        {
            writer.WriteBoolean("autocomplete", true);
        }

        if (option.Choices.Count > 0)
        {
            writer.WriteStartArray("choices");
            foreach (var choice in option.Choices)
            {
                writer.WriteStartObject();
                writer.WriteString("name", choice.Name);
                writer.WriteString("value", choice.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        WriteBound(writer, "min_value", option.MinValue, option.Type);
        WriteBound(writer, "max_value", option.MaxValue, option.Type);
        writer.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter writer, string name, double? bound, ApplicationCommandOptionType type)
    {
        if (bound is not { } value)
        {
            return;
        }

        if (type == ApplicationCommandOptionType.Integer)
        {
            writer.WriteNumber(name, (long)value);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }
}
