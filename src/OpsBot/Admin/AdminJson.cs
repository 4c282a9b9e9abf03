using System.Text.Json;
using System.Text.Json.Serialization;
using OpsBot.Cli;
using OpsBot.History;
using OpsBot.Operations;
using OpsBot.Ops;
using OpsBot.Status;

namespace OpsBot.Admin;

/// <summary>One line of <c>POST /admin/smoke</c>'s answer: a progress step while it runs, the report at the end.</summary>
public sealed record SmokeStreamEvent(string? Progress, SmokeReport? Report);

/// <summary>The body of a 4xx/5xx answer from the admin endpoint.</summary>
public sealed record AdminError(string Error);

/// <summary>
/// The admin endpoint's wire format: the same report records the renderers take, so the CLI renders what the
/// service computed exactly as it would have rendered its own. Enums travel as names.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(LogTail))]
[JsonSerializable(typeof(HistoryReport))]
[JsonSerializable(typeof(SmokeStreamEvent))]
[JsonSerializable(typeof(AdminError))]
public sealed partial class AdminJson : JsonSerializerContext;
