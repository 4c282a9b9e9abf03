using System.Net;

namespace OpsBot.Discord.Rest;

/// <summary>A non-success Discord REST response. <see cref="Code"/> is Discord's JSON error code (e.g. 10062, 40060, 50035).</summary>
public sealed class DiscordApiException(HttpStatusCode status, int code, string route, string discordMessage, string? errorBody)
    : Exception($"Discord {route} failed: HTTP {(int)status} code {code}: {discordMessage}")
{
    public HttpStatusCode Status { get; } = status;

    public int Code { get; } = code;

    public string Route { get; } = route;

    public string DiscordMessage { get; } = discordMessage;

    /// <summary>The raw error body (holds the nested <c>errors</c> tree of a 50035).</summary>
    public string? ErrorBody { get; } = errorBody;

    public const int UnknownWebhook = 10015;
    public const int UnknownInteraction = 10062;
    public const int AlreadyAcknowledged = 40060;
    public const int InvalidFormBody = 50035;
}
