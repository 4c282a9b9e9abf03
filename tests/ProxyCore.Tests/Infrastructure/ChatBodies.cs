using System.Text;
using System.Text.Json.Nodes;

namespace OpsBot.ProxyCore.Tests.Infrastructure;

/// <summary>Request bodies shaped like OpenClaw's (tools declared, streaming, usage requested).</summary>
public static class ChatBodies
{
    public const string Model = "Qwen/Qwen3-Coder-Next-FP8";

    public static JsonObject Create(bool stream, params string[] tools)
    {
        var body = new JsonObject
        {
            ["model"] = Model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "What is 2+2?" }),
            ["stream"] = stream,
            ["max_tokens"] = 512,
        };
        if (stream)
        {
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        if (tools.Length > 0)
        {
            var array = new JsonArray();
            foreach (var tool in tools)
            {
                array.Add(Tool(tool));
            }

            body["tools"] = array;
        }

        return body;
    }

    public static JsonObject Tool(string name) => new()
    {
        ["type"] = "function",
        ["function"] = new JsonObject
        {
            ["name"] = name,
            ["description"] = $"The {name} tool",
            ["parameters"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["command"] = new JsonObject { ["type"] = "string" },
                    ["timeout"] = new JsonObject { ["type"] = "integer" },
                    ["path"] = new JsonObject { ["type"] = "string" },
                },
            },
        },
    };

    public static StringContent Content(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
