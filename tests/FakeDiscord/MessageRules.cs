using System.Text.Json.Nodes;

namespace OpsBot.FakeDiscord;

/// <summary>Discord's message limits; a violation is reported the way Discord does (400, code 50035, a path).</summary>
public static class MessageRules
{
    public static string? Validate(JsonNode? body, bool requireSomething, int fileCount)
    {
        if (body is not JsonObject message)
        {
            return "body: not a JSON object";
        }

        var content = message["content"] is JsonValue c ? c.GetValue<string>() : null;
        if (content is { Length: > 2000 })
        {
            return "content: BASE_TYPE_MAX_LENGTH (2000)";
        }

        var embeds = message["embeds"] as JsonArray;
        if (embeds is { Count: > 10 })
        {
            return "embeds: max 10";
        }

        var total = 0;
        for (var i = 0; embeds is not null && i < embeds.Count; i++)
        {
            if (embeds[i] is not JsonObject embed)
            {
                return $"embeds.{i}: not an object";
            }

            if (Check(embed["title"], 256, $"embeds.{i}.title", ref total) is { } e1)
            {
                return e1;
            }

            if (Check(embed["description"], 4096, $"embeds.{i}.description", ref total) is { } e2)
            {
                return e2;
            }

            if (Check(embed["footer"]?["text"], 2048, $"embeds.{i}.footer.text", ref total) is { } e3)
            {
                return e3;
            }

            if (embed["fields"] is JsonArray fields)
            {
                if (fields.Count > 25)
                {
                    return $"embeds.{i}.fields: max 25";
                }

                for (var f = 0; f < fields.Count; f++)
                {
                    var name = fields[f]?["name"];
                    var value = fields[f]?["value"];
                    if (name is null || value is null || name.GetValue<string>().Trim().Length == 0 || value.GetValue<string>().Trim().Length == 0)
                    {
                        return $"embeds.{i}.fields.{f}: name and value are required";
                    }

                    if ((Check(name, 256, $"embeds.{i}.fields.{f}.name", ref total) ?? Check(value, 1024, $"embeds.{i}.fields.{f}.value", ref total)) is { } e4)
                    {
                        return e4;
                    }
                }
            }
        }

        if (total > 6000)
        {
            return "embeds: total text over 6000";
        }

        if (message["allowed_mentions"] is JsonObject mentions && mentions["parse"] is JsonArray parse)
        {
            foreach (var kind in new[] { "roles", "users" })
            {
                if (parse.Any(p => p?.GetValue<string>() == kind) && mentions[kind] is JsonArray)
                {
                    return $"allowed_mentions: parse contains {kind} and a {kind} list";
                }
            }
        }

        var attachments = message["attachments"] as JsonArray;
        if (fileCount > 0 && (attachments is null || attachments.Count < fileCount))
        {
            return "attachments: every files[n] needs an attachments entry";
        }

        if (message["components"] is JsonArray rows)
        {
            foreach (var row in rows)
            {
                foreach (var component in row?["components"] as JsonArray ?? [])
                {
                    var customId = component?["custom_id"]?.GetValue<string>();
                    if (customId is null or { Length: 0 or > 100 })
                    {
                        return "components: custom_id must be 1-100 characters";
                    }
                }
            }
        }

        if (requireSomething && string.IsNullOrEmpty(content) && embeds is not { Count: > 0 } && fileCount == 0)
        {
            return "message: cannot send an empty message";
        }

        return null;
    }

    /// <summary>Discord's default upload limits: 10 MiB per file, 25 MiB per request (413, code 40005, beyond).</summary>
    public static string? UploadProblem(IReadOnlyList<RecordedFile> files) =>
        files.Any(f => f.Content.Length > 10 * 1024 * 1024) ? "Request entity too large: a file is over 10 MiB"
        : files.Sum(f => (long)f.Content.Length) > 25 * 1024 * 1024 ? "Request entity too large: the files are over 25 MiB together"
        : null;

    private static string? Check(JsonNode? node, int max, string path, ref int total)
    {
        if (node is null)
        {
            return null;
        }

        var text = node.GetValue<string>();
        total += text.Trim().Length;
        return text.Trim().Length > max ? $"{path}: BASE_TYPE_MAX_LENGTH ({max})" : null;
    }
}
