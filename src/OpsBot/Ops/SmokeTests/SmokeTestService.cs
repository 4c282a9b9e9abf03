using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Probes;
using OpsBot.Ops.Security;
using OpsBot.Ops.Ssh;

namespace OpsBot.Ops.SmokeTests;

/// <summary>
/// The seed's OpenClaw smoke tests over SSH and a direct streaming request through the proxy.
/// Runs one at a time: the OpenClaw agent "main" has one session and parallel turns would mix.
/// </summary>
public sealed partial class SmokeTestService : ISmokeTestService, IDisposable
{
    private const int MaxReplyLength = 1500;

    /// <summary>coreutils <c>timeout</c> exits 124 when it had to stop the command.</summary>
    private const int TimeoutExitCode = 124;

    private readonly ISshCommandRunner _ssh;
    private readonly IProxyListener _proxyListener;
    private readonly IHttpClientFactory _httpClients;
    private readonly SecretRedactor _redactor;
    private readonly GatewayOpsOptions _gateway;
    private readonly ProxyOpsOptions _proxy;
    private readonly GatewayCommands _commands;
    private readonly TimeProvider _time;
    private readonly ILogger<SmokeTestService> _logger;
    private readonly OpsTargets? _targets;
    private readonly IServiceProvider? _services;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public SmokeTestService(
        ISshCommandRunner ssh,
        IProxyListener proxyListener,
        IHttpClientFactory httpClients,
        SecretRedactor redactor,
        IOptions<GatewayOpsOptions> gateway,
        IOptions<ProxyOpsOptions> proxy,
        TimeProvider time,
        ILogger<SmokeTestService> logger,
        OpsTargets? targets = null,
        IServiceProvider? services = null)
    {
        _targets = targets;
        _services = services;
        _ssh = ssh;
        _proxyListener = proxyListener;
        _httpClients = httpClients;
        _redactor = redactor;
        _gateway = gateway.Value;
        _proxy = proxy.Value;
        _commands = new GatewayCommands(_gateway);
        _time = time;
        _logger = logger;
    }

    public async Task<SmokeTestResult> RunAsync(SmokeTestKind kind, string? gateway, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        // The first gateway (or the only one) is this service's own runner and options; any other is its keyed runner.
        var agent = (Ssh: _ssh, Options: _gateway, Commands: _commands);
        if (kind != SmokeTestKind.ProxyDirect && !string.IsNullOrWhiteSpace(gateway) && _targets is not null)
        {
            var name = _targets.Resolve(StackService.Gateway, gateway, out var unknown);
            if (unknown is not null)
            {
                return new SmokeTestResult(kind, false, TimeSpan.Zero, "", unknown, gateway);
            }

            if (name != _targets.Names(StackService.Gateway)[0])
            {
                var options = _targets.Gateways.First(g => g.Name == name);
                agent = (_services!.GetRequiredKeyedService<ISshCommandRunner>(name), options, new GatewayCommands(options));
            }
        }

        await _oneAtATime.WaitAsync(cancellationToken);
        var started = _time.GetTimestamp();
        try
        {
            var (passed, reply, failure) = kind switch
            {
                SmokeTestKind.TwoPlusTwo or SmokeTestKind.ListTmp => await RunAgentAsync(kind, agent.Ssh, agent.Options, agent.Commands, progress, cancellationToken),
                SmokeTestKind.ProxyDirect => await RunProxyDirectAsync(progress, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
            };
            var result = new SmokeTestResult(
                kind, passed, _time.GetElapsedTime(started), Truncate(_redactor.Redact(reply)), failure is null ? null : _redactor.Redact(failure),
                kind == SmokeTestKind.ProxyDirect || string.IsNullOrWhiteSpace(gateway) ? null : agent.Options.Name);
            LogResult(kind, passed, result.Elapsed.TotalSeconds, result.Failure);
            return result;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<(bool Passed, string Reply, string? Failure)> RunAgentAsync(
        SmokeTestKind kind, ISshCommandRunner ssh, GatewayOpsOptions gatewayOptions, GatewayCommands commands, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!gatewayOptions.IsConfigured)
        {
            return (false, "", "gateway not configured (set Ops:Gateway:Host)");
        }

        var prompt = kind == SmokeTestKind.TwoPlusTwo ? GatewayCommands.TwoPlusTwoPrompt : GatewayCommands.ListTmpPrompt;
        progress?.Report($"openclaw agent on {gatewayOptions.Host}: '{prompt}'");
        var run = await ssh.RunAsync(commands.Agent(kind, gatewayOptions.SmokeTestTimeout), gatewayOptions.SmokeTestTimeout + TimeSpan.FromSeconds(10), cancellationToken);
        if (run.Outcome != SshOutcome.Completed)
        {
            return (false, "", run.Describe());
        }

        if (run.ExitStatus == TimeoutExitCode)
        {
            return (false, run.StandardOutput.Trim(), $"openclaw agent timed out after {gatewayOptions.SmokeTestTimeout.TotalSeconds:0} s on the gateway host");
        }

        var reply = OpenClawReplyParser.Parse(run.StandardOutput);
        IReadOnlyCollection<string>? entries = null;
        if (kind == SmokeTestKind.ListTmp)
        {
            var ls = await ssh.RunAsync(commands.ListTmp(), gatewayOptions.CommandTimeout, cancellationToken);
            entries = ls.Succeeded ? ls.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        }

        var failure = SmokeTestEvaluator.Evaluate(kind, reply, run.StandardOutput, entries);
        if (failure is null && run.ExitStatus != 0)
        {
            failure = $"openclaw exited {run.ExitStatus?.ToString() ?? "by signal"}: {run.StandardError.Trim().Split('\n')[0]}";
        }

        var text = reply.Text;
        if (reply.TotalTokens is { } total)
        {
            text += $"\n(lastCallUsage.total={total})";
        }

        return (failure is null, text.Trim(), failure);
    }

    private async Task<(bool Passed, string Reply, string? Failure)> RunProxyDirectAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_proxy.SmokeTestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var client = _httpClients.CreateClient(OpsHttpClients.Proxy);
        var baseUrl = _proxy.ResolveBaseUrl(_proxyListener);
        try
        {
            var model = string.IsNullOrWhiteSpace(_proxy.SmokeModel) ? await FirstModelAsync(client, baseUrl, linked.Token) : _proxy.SmokeModel;
            if (model is null)
            {
                return (false, "", $"the proxy at {baseUrl} lists no model on /v1/models (set Ops:Proxy:SmokeModel)");
            }

            progress?.Report($"streaming chat with a tool through {baseUrl} (model {model})");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "v1/chat/completions"))
            {
                Content = JsonContent.Create(BuildRequest(model)),
            };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(linked.Token);
                return (false, body.Trim(), $"the proxy answered {(int)response.StatusCode}");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
            var summary = await SseChatStreamReader.ReadAsync(stream, linked.Token);
            var failure = summary switch
            {
                { Error: { } error } => $"stream error: {error}",
                { SawDone: false } => $"stream ended without data: [DONE] after {summary.Chunks} events",
                { Chunks: 0 } => "stream had no chunks before [DONE]",
                _ => null,
            };
            var reply = summary.Describe() + (summary.FinishReason is { } f ? $"\n(finish_reason={f}, {summary.Chunks} chunks)" : "");
            return (failure is null, reply, failure);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, "", $"no complete answer from the proxy within {_proxy.SmokeTestTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            return (false, "", $"cannot reach the proxy at {baseUrl}: {ex.Message}");
        }
    }

    private static async Task<string?> FirstModelAsync(HttpClient client, Uri baseUrl, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(baseUrl, "v1/models"), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        return VllmProbe.ParseModelIds(await response.Content.ReadAsStringAsync(cancellationToken)) is [var first, ..] ? first : null;
    }

    internal static JsonObject BuildRequest(string model) => new()
    {
        ["model"] = model,
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
        ["max_tokens"] = 256,
        ["messages"] = new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["content"] = "List the files in /tmp using the exec tool.",
        }),
        ["tools"] = new JsonArray(new JsonObject
        {
            ["type"] = "function",
            ["function"] = new JsonObject
            {
                ["name"] = "exec",
                ["description"] = "Run a shell command and return its output.",
                ["parameters"] = JsonNode.Parse("""{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}"""),
            },
        }),
    };

    private static string Truncate(string text) => text.Length > MaxReplyLength ? text[..MaxReplyLength] + "…" : text;

    [LoggerMessage(EventId = OpsBotEventIds.SmokeTestServiceResult, Level = LogLevel.Information, Message = "Smoke test {Kind}: passed={Passed} in {ElapsedSeconds:0.0} s {Failure}")]
    private partial void LogResult(SmokeTestKind kind, bool passed, double elapsedSeconds, string? failure);

    /// <summary>Disposes <c>_oneAtATime</c>; the container calls this once the host has stopped.</summary>
    public void Dispose() => _oneAtATime.Dispose();
}
