using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpsBot.FakeDiscord;

/// <summary>
/// A Kestrel fake of the Discord subset OpsBot uses, on 127.0.0.1 with a free port: REST under /api/v10 (recording every
/// call and enforcing Discord's rules: auth, User-Agent, one callback per interaction, 3 s deadline, message limits,
/// rate limits) and the gateway WebSocket (see <see cref="FakeGateway"/>).
/// </summary>
public sealed partial class FakeDiscordServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeClock _clock;
    private readonly DefaultRateLimits _defaultLimits;
    private readonly ConcurrentDictionary<ulong, FakeInteraction> _interactions = new();
    private readonly ConcurrentDictionary<string, FakeInteraction> _byToken = new(StringComparer.Ordinal);
    private readonly Lock _limitsLock = new();
    private readonly List<InjectedRateLimit> _injected = [];
    private readonly List<RateLimitRule> _rules = [];
    private readonly Dictionary<RateLimitRule, (TimeSpan WindowStart, int Count)> _ruleState = [];
    private long _nextMessageId = 1300000000000009000;
    private int _invalidRequests;
    private Uri? _baseUri;

    private FakeDiscordServer(FakeDiscordOptions options)
    {
        Options = options;
        _clock = new FakeClock(options.Time);
        _defaultLimits = new DefaultRateLimits(options.Time);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        Gateway = new FakeGateway(options, () => _baseUri!, _clock);
        Interactions = new FakeInteractions(options);
        _app.UseWebSockets();
        _app.Run(HandleAsync);
    }

    public FakeDiscordOptions Options { get; }

    public FakeGateway Gateway { get; }

    public FakeInteractions Interactions { get; }

    public Recorder<RecordedRequest> Requests { get; } = new();

    /// <summary>The JSON array last accepted by the bulk overwrite.</summary>
    public JsonArray? RegisteredCommands { get; private set; }

    /// <summary>
    /// When set, every interaction webhook call (edit, follow-up) gets 404 <c>10015 Unknown Webhook</c>, as after the token's
    /// 15 minutes; the initial callback still works.
    /// </summary>
    public bool ExpireWebhookTokens { get; set; }

    /// <summary>Requests that arrived although the advertised limit was used up (a compliant client causes none).</summary>
    public int RateLimitViolations { get; private set; }

    /// <summary>
    /// Responses that count toward Discord's invalid-request limit (401, 403, and 429 other than scope "shared"):
    /// 10,000 in 10 minutes get the bot's IP banned by Cloudflare, so a healthy bot causes none.
    /// </summary>
    public int InvalidRequests => Volatile.Read(ref _invalidRequests);

    /// <summary>The fake's clock (see <see cref="FakeDiscordOptions.TimeProvider"/>).</summary>
    public FakeClock Clock => _clock;

    public Uri RestBaseUrl => new(_baseUri!, "/api/v10");

    public Uri GatewayUrl => new UriBuilder(_baseUri!) { Scheme = "ws", Path = "/gateway" }.Uri;

    public static async Task<FakeDiscordServer> StartAsync(FakeDiscordOptions? options = null)
    {
        var server = new FakeDiscordServer(options ?? new FakeDiscordOptions());
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server._baseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public FakeInteraction? FindInteraction(ulong id) => _interactions.GetValueOrDefault(id);

    /// <summary>
    /// Registers the interaction (so callbacks can be checked) and dispatches INTERACTION_CREATE. An autocomplete (type 4)
    /// is only sent, as by Discord, for a registered option with <c>autocomplete: true</c> that is focused; anything else
    /// is a mistake in the test and throws.
    /// </summary>
    public async Task<FakeInteraction> DispatchInteractionAsync(JsonObject interaction)
    {
        var id = ulong.Parse(interaction["id"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var token = interaction["token"]!.GetValue<string>();
        var type = interaction["type"]!.GetValue<int>();
        int? optionType = type == 4 ? FocusedOptionType(interaction) : null;
        var state = _interactions.GetOrAdd(id, _ => new FakeInteraction(id, token, type == 3, _clock.Elapsed, optionType));
        _byToken.TryAdd(token, state);
        await Gateway.DispatchAsync("INTERACTION_CREATE", interaction);
        return state;
    }

    /// <summary>The registered type of the focused option, which must have <c>autocomplete: true</c>.</summary>
    private int FocusedOptionType(JsonObject interaction)
    {
        var data = interaction["data"] as JsonObject ?? throw new InvalidOperationException("An autocomplete interaction needs data.");
        var name = data["name"]?.GetValue<string>();
        var focused = (data["options"] as JsonArray ?? []).OfType<JsonObject>().Where(o => o["focused"]?.GetValue<bool>() == true).ToList();
        if (focused.Count != 1)
        {
            throw new InvalidOperationException($"Discord focuses exactly one option in an autocomplete interaction (got {focused.Count}).");
        }

        var optionName = focused[0]["name"]?.GetValue<string>();
        var command = (RegisteredCommands ?? []).OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == name)
            ?? throw new InvalidOperationException($"Discord sends no autocomplete for /{name}: it is not registered.");
        var option = (command["options"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(o => o["name"]?.GetValue<string>() == optionName)
            ?? throw new InvalidOperationException($"/{name} has no registered option '{optionName}'.");
        if (option["autocomplete"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"Discord sends no autocomplete for /{name} {optionName}: it is not registered with autocomplete: true.");
        }

        return option["type"]!.GetValue<int>();
    }

    public void InjectRateLimit(InjectedRateLimit limit)
    {
        lock (_limitsLock)
        {
            _injected.Add(limit);
        }
    }

    public void AddRateLimitRule(RateLimitRule rule)
    {
        lock (_limitsLock)
        {
            _rules.Add(rule);
        }
    }

    public Task<RecordedRequest> WaitForRequestAsync(string method, string pathPrefix, int count = 1, TimeSpan? timeout = null) =>
        Requests.WaitForAsync(r => r.Is(method, pathPrefix), timeout, count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/gateway", StringComparison.Ordinal) || path.StartsWith(Gateway.ResumePath, StringComparison.Ordinal))
        {
            await Gateway.HandleAsync(context);
            return;
        }

        var request = context.Request;
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var (body, files) = await ReadBodyAsync(request);
        var (status, response, extraHeaders) = Route(request.Method, path, headers, body, files);

        foreach (var (name, value) in extraHeaders)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.StatusCode = status;
        if (status is 401 or 403 || (status == 429 && !extraHeaders.Contains(("X-RateLimit-Scope", "shared"))))
        {
            Interlocked.Increment(ref _invalidRequests);
        }

        var responseText = response?.ToJsonString() ?? string.Empty;
        Requests.Add(new RecordedRequest(request.Method, path, headers, request.ContentType, body, files, status, responseText, _clock.Elapsed));
        if (response is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(responseText);
        }
    }

    private (int Status, JsonNode? Body, List<(string, string)> Headers) Route(string method, string path, Dictionary<string, string> headers, string body, List<RecordedFile> files)
    {
        var extra = new List<(string, string)>();
        if (!path.StartsWith("/api/v10/", StringComparison.Ordinal))
        {
            return (404, Error(0, "404: Not Found"), extra);
        }

        if (!headers.TryGetValue("Authorization", out var auth) || auth != "Bot " + Options.Token)
        {
            return (401, Error(0, "401: Unauthorized"), extra);
        }

        if (!headers.TryGetValue("User-Agent", out var agent) || !DiscordBotUserAgent().IsMatch(agent))
        {
            return (403, Error(40333, "internal network error"), extra);
        }

        var route = path["/api/v10".Length..];
        if (RateLimited(method, route, extra) is { } limited)
        {
            return (429, limited, extra);
        }

        try
        {
            return Handle(method, route, body, files, extra);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return (400, InvalidForm($"body: {ex.Message}"), extra);
        }
    }

    private (int, JsonNode?, List<(string, string)>) Handle(string method, string route, string body, List<RecordedFile> files, List<(string, string)> extra)
    {
        if (MessageRules.UploadProblem(files) is { } tooLarge)
        {
            return (413, Error(40005, tooLarge), extra);
        }

        if (method == "GET" && route == "/gateway/bot")
        {
            return (200, new JsonObject
            {
                ["url"] = GatewayUrl.ToString().TrimEnd('/'),
                ["shards"] = 1,
                ["session_start_limit"] = new JsonObject
                {
                    ["total"] = 1000,
                    ["remaining"] = Math.Max(0, Gateway.SessionStartRemaining),
                    ["reset_after"] = Options.SessionStartResetAfterMs,
                    ["max_concurrency"] = 1,
                },
            }, extra);
        }

        if (CommandsRoute().Match(route) is { Success: true } commands)
        {
            if (commands.Groups[1].Value != Options.ApplicationId.ToString() || commands.Groups[2].Value != Options.GuildId.ToString())
            {
                return (404, Error(10002, "Unknown Application"), extra);
            }

            if (method == "GET")
            {
                return (200, RegisteredCommands?.DeepClone() ?? new JsonArray(), extra);
            }

            if (method == "PUT")
            {
                var array = JsonNode.Parse(body) as JsonArray ?? throw new FormatException("expected an array");
                if (CommandRules.Validate(array) is { } problem)
                {
                    return (400, InvalidForm(problem), extra);
                }

                var echoed = new JsonArray();
                var n = 0;
                foreach (var command in array)
                {
                    var copy = (JsonObject)command!.DeepClone();
                    copy["id"] = (1300000000000000600 + (ulong)n++).ToString();
                    copy["application_id"] = Options.ApplicationId.ToString();
                    copy["guild_id"] = Options.GuildId.ToString();
                    copy["version"] = "1300000000000000700";
                    echoed.Add(copy);
                }

                RegisteredCommands = (JsonArray)array.DeepClone();
                return (200, echoed, extra);
            }
        }

        if (method == "POST" && CallbackRoute().Match(route) is { Success: true } callback)
        {
            return InteractionCallback(ulong.Parse(callback.Groups[1].Value, CultureInfo.InvariantCulture), Uri.UnescapeDataString(callback.Groups[2].Value), body, files, extra);
        }

        if (WebhookRoute().Match(route) is { Success: true } webhook)
        {
            var token = Uri.UnescapeDataString(webhook.Groups[2].Value);
            // An autocomplete answer creates no message: its token has nothing to edit or follow up.
            if (ExpireWebhookTokens || webhook.Groups[1].Value != Options.ApplicationId.ToString() || !_byToken.TryGetValue(token, out var interaction)
                || interaction.CallbackType is null || interaction.IsAutocomplete)
            {
                return (404, Error(10015, "Unknown Webhook"), extra);
            }

            if (_clock.Elapsed - interaction.DispatchedAt > Options.InteractionTokenLifetime)
            {
                return (401, Error(50027, "Invalid Webhook Token"), extra);
            }

            var message = JsonNode.Parse(body);
            if (MessageRules.Validate(message, requireSomething: webhook.Groups[3].Value.Length == 0, files.Count) is { } problem)
            {
                return (400, InvalidForm(problem), extra);
            }

            lock (interaction.Sync)
            {
                var stored = (JsonObject)message!.DeepClone();
                if (webhook.Groups[3].Value == "/messages/@original" && method == "PATCH")
                {
                    interaction.Edit(stored);
                    return (200, MessageObject(stored), extra);
                }

                if (webhook.Groups[3].Value.Length == 0 && method == "POST")
                {
                    interaction.Followups.Add(stored);
                    return (200, MessageObject(stored), extra);
                }
            }
        }

        if (method == "POST" && ChannelMessagesRoute().Match(route) is { Success: true } channel)
        {
            if (!Options.ChannelIds.Contains(ulong.Parse(channel.Groups[1].Value, CultureInfo.InvariantCulture)))
            {
                return (404, Error(10003, "Unknown Channel"), extra);
            }

            var message = JsonNode.Parse(body);
            if (MessageRules.Validate(message, requireSomething: true, files.Count) is { } problem)
            {
                return (400, InvalidForm(problem), extra);
            }

            return (200, MessageObject((JsonObject)message!), extra);
        }

        return (404, Error(0, "404: Not Found"), extra);
    }

    private (int, JsonNode?, List<(string, string)>) InteractionCallback(ulong id, string token, string body, List<RecordedFile> files, List<(string, string)> extra)
    {
        if (!_interactions.TryGetValue(id, out var interaction) || interaction.Token != token)
        {
            return (404, Error(10062, "Unknown interaction"), extra);
        }

        var response = JsonNode.Parse(body) as JsonObject ?? throw new FormatException("expected an object");
        var type = response["type"]?.GetValue<int>() ?? 0;
        lock (interaction.Sync)
        {
            if (interaction.CallbackType is not null)
            {
                return (400, Error(40060, "Interaction has already been acknowledged."), extra);
            }

            if (_clock.Elapsed - interaction.DispatchedAt > Options.InteractionDeadline)
            {
                return (404, Error(10062, "Unknown interaction"), extra);
            }

            // An autocomplete takes only type 8, and type 8 answers nothing else.
            var valid = type switch
            {
                _ when interaction.IsAutocomplete => type == InteractionRules.AutocompleteResult,
                4 or 5 => true,
                6 or 7 => interaction.IsComponent,
                _ => false,
            };
            if (!valid)
            {
                return (400, InvalidForm($"type: callback type {type} is not valid for this interaction"), extra);
            }

            var data = response["data"] as JsonObject;
            if (InteractionRules.ValidateDeferral(type, response["data"]) is { } deferralProblem)
            {
                return (400, InvalidForm(deferralProblem), extra);
            }

            if (type is 4 or 7 && MessageRules.Validate(data, requireSomething: type == 4, files.Count) is { } problem)
            {
                return (400, InvalidForm("data." + problem), extra);
            }

            if (type == InteractionRules.AutocompleteResult && InteractionRules.ValidateAutocompleteResult(response["data"], interaction.AutocompleteOptionType!.Value) is { } choiceProblem)
            {
                return (400, InvalidForm(choiceProblem), extra);
            }

            var ephemeral = type != InteractionRules.AutocompleteResult && ((data?["flags"]?.GetValue<int>() ?? 0) & 64) != 0;
            interaction.Acknowledge(type, ephemeral, type is 4 or 7 or InteractionRules.AutocompleteResult ? (JsonObject)data!.DeepClone() : null, _clock.Elapsed);
        }

        return (204, null, extra);
    }

    private JsonNode? RateLimited(string method, string route, List<(string, string)> extra)
    {
        lock (_limitsLock)
        {
            var injected = _injected.FirstOrDefault(l => l.Count > 0 && l.Method == method && route.StartsWith(l.PathPrefix, StringComparison.Ordinal));
            if (injected is not null)
            {
                _injected.Remove(injected);
                if (injected.Count > 1)
                {
                    _injected.Add(injected with { Count = injected.Count - 1 });
                }

                var seconds = injected.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                extra.Add(("Retry-After", Math.Ceiling(injected.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture)));
                extra.Add(("X-RateLimit-Scope", injected.Global ? "global" : "user"));
                if (injected.Global)
                {
                    extra.Add(("X-RateLimit-Global", "true"));
                }
                else
                {
                    extra.Add(("X-RateLimit-Limit", "5"));
                    extra.Add(("X-RateLimit-Remaining", "0"));
                    extra.Add(("X-RateLimit-Reset-After", seconds));
                    extra.Add(("X-RateLimit-Bucket", "injected"));
                }

                return new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = injected.RetryAfterSeconds, ["global"] = injected.Global };
            }

            var rule = _rules.FirstOrDefault(r => r.Method == method && route.StartsWith(r.PathPrefix, StringComparison.Ordinal));
            if (rule is null)
            {
                if (!Options.DefaultRateLimits || _defaultLimits.Take(method, route, extra) is not { } over)
                {
                    return null;
                }

                RateLimitViolations++;
                return new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = over.RetryAfter, ["global"] = over.Global };
            }

            var now = _clock.Elapsed;
            var (start, count) = _ruleState.GetValueOrDefault(rule, (now, 0));
            if (now - start >= rule.Window)
            {
                (start, count) = (now, 0);
            }

            count++;
            _ruleState[rule] = (start, count);
            var resetAfter = (rule.Window - (now - start)).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
            extra.Add(("X-RateLimit-Limit", rule.Limit.ToString(CultureInfo.InvariantCulture)));
            extra.Add(("X-RateLimit-Remaining", Math.Max(0, rule.Limit - count).ToString(CultureInfo.InvariantCulture)));
            extra.Add(("X-RateLimit-Reset-After", resetAfter));
            extra.Add(("X-RateLimit-Bucket", rule.Bucket));
            if (count <= rule.Limit)
            {
                return null;
            }

            RateLimitViolations++;
            extra.Add(("Retry-After", Math.Ceiling(double.Parse(resetAfter, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture)));
            extra.Add(("X-RateLimit-Scope", "user"));
            return new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = double.Parse(resetAfter, CultureInfo.InvariantCulture), ["global"] = false };
        }
    }

    private JsonObject MessageObject(JsonObject message)
    {
        var copy = (JsonObject)message.DeepClone();
        copy["id"] = Interlocked.Increment(ref _nextMessageId).ToString(CultureInfo.InvariantCulture);
        copy["channel_id"] = FakeInteractions.OpsChannelId.ToString(CultureInfo.InvariantCulture);
        return copy;
    }

    private static async Task<(string Body, List<RecordedFile> Files)> ReadBodyAsync(HttpRequest request)
    {
        var files = new List<RecordedFile>();
        if (request.HasFormContentType && request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
        {
            var form = await request.ReadFormAsync();
            foreach (var file in form.Files)
            {
                using var stream = new MemoryStream();
                await file.CopyToAsync(stream);
                files.Add(new RecordedFile(file.Name, file.FileName, file.ContentType, stream.ToArray()));
            }

            return (form["payload_json"].ToString(), files);
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return (await reader.ReadToEndAsync(), files);
    }

    private static JsonObject Error(int code, string message) => new() { ["message"] = message, ["code"] = code };

    private static JsonObject InvalidForm(string problem) => new()
    {
        ["code"] = 50035,
        ["message"] = "Invalid Form Body",
        ["errors"] = new JsonObject { ["_errors"] = new JsonArray(new JsonObject { ["code"] = "INVALID", ["message"] = problem }) },
    };

    [GeneratedRegex(@"^DiscordBot \(\S+, [^)]+\)")]
    private static partial Regex DiscordBotUserAgent();

    [GeneratedRegex(@"^/applications/(\d+)/guilds/(\d+)/commands$")]
    private static partial Regex CommandsRoute();

    [GeneratedRegex(@"^/interactions/(\d+)/([^/]+)/callback$")]
    private static partial Regex CallbackRoute();

    [GeneratedRegex(@"^/webhooks/(\d+)/([^/]+)(/messages/@original)?$")]
    private static partial Regex WebhookRoute();

    [GeneratedRegex(@"^/channels/(\d+)/messages$")]
    private static partial Regex ChannelMessagesRoute();
}
