using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OpsBot.VllmSimulator.Chat;

namespace OpsBot.VllmSimulator.Endpoints;

/// <summary>/health, /version, /load, /metrics and /v1/models as vLLM serves them.</summary>
internal sealed class InfoEndpoints(SimulatorState state)
{
    public Task HealthAsync(HttpContext context)
    {
        state.Metrics.HealthChecked();

        // Empty body either way; 503 means the engine is dead.
        context.Response.StatusCode = state.Healthy ? 200 : 503;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public Task VersionAsync(HttpContext context) =>
        HttpWrites.JsonAsync(context, 200, "{\"version\":" + JsonSerializer.Serialize(state.Options.Version) + "}", context.RequestAborted);

    public Task LoadAsync(HttpContext context) =>
        HttpWrites.JsonAsync(context, 200, "{\"server_load\":" + (state.Running + state.Waiting) + "}", context.RequestAborted);

    public Task MetricsAsync(HttpContext context)
    {
        var text = state.Metrics.Render(state.Options.ModelName, state.Running, state.Waiting);
        return HttpWrites.BytesAsync(context, 200, "text/plain; version=0.0.4; charset=utf-8", Encoding.UTF8.GetBytes(text), context.RequestAborted);
    }

    public Task ModelsAsync(HttpContext context)
    {
        var created = state.Time.GetUtcNow().ToUnixTimeSeconds();
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            json.WriteStartObject();
            json.WriteString("id", state.Options.ModelName);
            json.WriteString("object", "model");
            json.WriteNumber("created", created);
            json.WriteString("owned_by", "vllm");
            json.WriteString("root", state.Options.ModelName);
            json.WriteNull("parent");
            json.WriteNumber("max_model_len", state.Options.MaxModelLen);
            json.WriteStartArray("permission");
            json.WriteStartObject();
            json.WriteString("id", "modelperm-" + Ids.Hex(32));
            json.WriteString("object", "model_permission");
            json.WriteNumber("created", created);
            json.WriteBoolean("allow_create_engine", false);
            json.WriteBoolean("allow_sampling", true);
            json.WriteBoolean("allow_logprobs", true);
            json.WriteBoolean("allow_search_indices", false);
            json.WriteBoolean("allow_view", true);
            json.WriteBoolean("allow_fine_tuning", false);
            json.WriteString("organization", "*");
            json.WriteNull("group");
            json.WriteBoolean("is_blocking", false);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return HttpWrites.BytesAsync(context, 200, "application/json", buffer.WrittenMemory, context.RequestAborted);
    }
}
