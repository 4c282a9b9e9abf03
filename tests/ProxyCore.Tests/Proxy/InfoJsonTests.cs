using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpsBot.ProxyCore.Proxy;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class InfoJsonTests
{
    private sealed record CustomField(string DisplayName, int Count);

    [Fact]
    public async Task Writes_the_bytes_results_json_wrote()
    {
        var body = new Dictionary<string, object?>
        {
            ["status"] = "ok",
            ["opsbot_version"] = "1.0.0+abc",
            ["endpoints"] = new[] { "* /v1/{path} -> vLLM", "<script>" },
            ["max_tool_calls"] = 20,
            ["ratio"] = 0.5,
            ["ready"] = true,
            ["missing"] = null,
            ["components"] = new Dictionary<string, object?>
            {
                ["discord"] = new Dictionary<string, string> { ["state"] = "disabled", ["reason"] = "Discord:GuildId is required … \"quoted\"" },
                ["history"] = new Dictionary<string, string> { ["state"] = "running" },
            },
            ["custom"] = new CustomField("Grüße", 3),
        };
        // What Results.Json wrote before: ASP.NET Core's JSON options (web defaults, relaxed escaping).
        var expected = JsonSerializer.Serialize<object>(body, new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        await InfoJson.WriteAsync(context, body);

        var written = ((MemoryStream)context.Response.Body).ToArray();
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(written));
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
        Assert.Equal(written.Length, context.Response.ContentLength);
    }
}
