using System.Text.Json;

namespace OpsBot.ProxyCore.Tests.ToolCalls;

/// <summary>Semantic JSON comparison: vLLM spaces arguments like Python (", ", ": "), we write compact JSON.</summary>
internal static class JsonAssert
{
    public static void Equivalent(string expectedJson, string actualJson)
    {
        using var expected = JsonDocument.Parse(expectedJson);
        using var actual = JsonDocument.Parse(actualJson);
        Assert.True(
            JsonElement.DeepEquals(expected.RootElement, actual.RootElement),
            $"Expected JSON {expectedJson}{Environment.NewLine}but got      {actualJson}");
    }

    public static void IsObject(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }

    public static bool TryParseObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
