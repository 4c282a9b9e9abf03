using System.Buffers;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>
/// The non-streaming body: v0.15 <c>JSONResponse(response.model_dump())</c> — every field present, nulls
/// included, compact separators. With <c>currentShape</c> the v0.16+ field set instead.
/// </summary>
internal static class CompletionJsonWriter
{
    public static void Write(
        IBufferWriter<byte> output,
        TurnPlan plan,
        string id,
        string model,
        long created,
        int promptTokens,
        bool currentShape)
    {
        using var json = new Utf8JsonWriter(output, SimulatorJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion");
        json.WriteNumber("created", created);
        json.WriteString("model", model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        if (plan.Content is null)
        {
            json.WriteNull("content");
        }
        else
        {
            json.WriteString("content", plan.Content);
        }

        json.WriteNull("refusal");
        json.WriteNull("annotations");
        json.WriteNull("audio");
        json.WriteNull("function_call");

        // v0.15 always has the list (default_factory); v0.16+ omits it when empty.
        if (!currentShape || plan.ToolCalls.Count > 0)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in plan.ToolCalls)
            {
                json.WriteStartObject();
                json.WriteString("id", "chatcmpl-tool-" + Ids.Hex(32));
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", call.Name);
                json.WriteString("arguments", call.Arguments);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteNull("reasoning");
        if (!currentShape)
        {
            json.WriteNull("reasoning_content");
        }

        json.WriteEndObject();
        json.WriteNull("logprobs");
        json.WriteString("finish_reason", plan.FinishReason);
        json.WriteNull("stop_reason");
        json.WriteNull("token_ids");
        if (currentShape)
        {
            json.WriteNull("routed_experts");
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteNull("service_tier");
        json.WriteNull("system_fingerprint");
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("total_tokens", promptTokens + plan.CompletionTokens);
        json.WriteNumber("completion_tokens", plan.CompletionTokens);
        json.WriteNull("prompt_tokens_details");
        json.WriteEndObject();
        json.WriteNull("prompt_logprobs");
        json.WriteNull("prompt_token_ids");
        json.WriteNull("kv_transfer_params");
        if (currentShape)
        {
            json.WriteNull("prompt_text");
            json.WriteNull("ec_transfer_params");
            json.WriteNull("metrics");
        }

        json.WriteEndObject();
    }
}
