using System.Buffers;
using System.Text;
using System.Text.Json;

namespace OpsBot.VllmSimulator.Chat;

/// <summary>vLLM v0.11+ error bodies: <c>{"error":{"message","type","param","code"}}</c> with status = code.</summary>
internal static class ErrorBodies
{
    public const string Unauthorized = """{"error":"Unauthorized"}""";
    public const string NotFound = """{"detail":"Not Found"}""";
    public const string MethodNotAllowed = """{"detail":"Method Not Allowed"}""";

    public static string Error(string message, string type, string? param, int code)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            if (param is null)
            {
                json.WriteNull("param");
            }
            else
            {
                json.WriteString("param", param);
            }

            json.WriteNumber("code", code);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A handler-level rejection (<c>create_error_response</c>).</summary>
    public static string BadRequest(string message, string? param = null) =>
        Error(message, "BadRequestError", param, 400);

    /// <summary>A pydantic <c>RequestValidationError</c>: the HTTP phrase as type.</summary>
    public static string Validation(string message, string? param = null) =>
        Error(message, "Bad Request", param, 400);

    public static string ModelNotFound(string model) =>
        Error($"The model `{model}` does not exist.", "NotFoundError", "model", 404);

    public static string EngineFailure() =>
        Error("EngineCore encountered an issue. See stack trace (above) for the root cause.", "InternalServerError", null, 500);
}
