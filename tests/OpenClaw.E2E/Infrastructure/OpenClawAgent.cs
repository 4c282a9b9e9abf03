using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpsBot.OpenClaw.E2E.Infrastructure;

/// <summary>
/// One user's OpenClaw: a private HOME copied from the release's template, a private /tmp and a loopback-only
/// network (<c>unshare -n -m</c>), configured with a <c>vllm</c> provider whose baseUrl reaches
/// <see cref="Upstream"/> (our proxy, or the simulator directly) through a <see cref="UnixSocketBridge"/>.
/// Runs <c>VLLM_API_KEY=vllm-local openclaw agent --local --agent main -m ...</c>, the seed's acceptance command.
/// </summary>
public sealed class OpenClawAgent : IAsyncDisposable
{
    public const string ModelId = "Qwen/Qwen3-Coder-Next-FP8";
    public const string ApiKey = "vllm-local";
    // A hang guard, not a performance bound: a turn takes ~5 s on an idle machine, but 2026.9.x needs minutes
    // when the 2 cores are shared with parallel builds.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    private readonly OpenClawInstallation _installation;
    private readonly Action<string> _log;

    private OpenClawAgent(OpenClawInstallation installation, OpenClawRelease release, Uri upstream, string root, Action<string> log)
    {
        _installation = installation;
        Release = release;
        Upstream = upstream;
        Root = root;
        _log = log;
    }

    public OpenClawRelease Release { get; }

    public Uri Upstream { get; }

    /// <summary>
    /// The run folder: home/ (mounted over the template HOME inside, so setup's absolute paths stay valid),
    /// tmp/ (mounted as /tmp inside), openclaw.log, bridge.sock.
    /// </summary>
    public string Root { get; }

    public string Home => Path.Combine(Root, "home");

    /// <summary>The folder OpenClaw sees as /tmp.</summary>
    public string PrivateTmp => Path.Combine(Root, "tmp");

    public string LogFile => Path.Combine(Root, "openclaw.log");

    /// <summary>Creates the private HOME and writes openclaw.json pointing at <paramref name="upstream"/> (no /v1).</summary>
    public static OpenClawAgent Create(OpenClawInstallation installation, OpenClawRelease release, Uri upstream, Action<string> log)
    {
        // Short: the bridge socket lives here and Unix socket paths are limited to 107 bytes.
        var root = Path.Combine(Path.GetTempPath(), "ocE2E-" + Guid.NewGuid().ToString("N")[..10]);
        var agent = new OpenClawAgent(installation, release, upstream, root, log);
        CopyDirectory(release.TemplateHome, agent.Home);
        Directory.CreateDirectory(agent.PrivateTmp);
        agent.WriteConfig();
        return agent;
    }

    /// <summary>Puts a file into the agent's /tmp (e.g. for a tool call to find).</summary>
    public void PlantTmpFile(string name, string content = "planted by OpenClaw.E2E\n") =>
        File.WriteAllText(Path.Combine(PrivateTmp, name), content);

    public async Task<OpenClawRun> RunAsync(string message, bool json, CancellationToken cancellationToken)
    {
        var socketPath = Path.Combine(Root, "bridge.sock");
        await using var bridge = UnixSocketBridge.Start(socketPath, Upstream);

        var sandboxScript = Path.Combine(AppContext.BaseDirectory, "Sandbox", "openclaw-sandbox.sh");
        var startInfo = new ProcessStartInfo("unshare") { WorkingDirectory = Root };
        string[] arguments =
        [
            "-n", "-m", "bash", sandboxScript,
            Root, _installation.CacheRoot, Release.TemplateHome, socketPath,
            Upstream.Port.ToString(CultureInfo.InvariantCulture), "--",
            Release.Executable, "agent", "--local", "--agent", "main", "-m", message, .. json ? ["--json"] : Array.Empty<string>(),
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // A clean environment: nothing of the test host's (API keys, DOTNET_*) reaches OpenClaw.
        startInfo.Environment.Clear();
        startInfo.Environment["PATH"] = $"{_installation.NodeBin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        // Inside the sandbox this path shows the run's own copy (see openclaw-sandbox.sh).
        startInfo.Environment["HOME"] = Release.TemplateHome;
        startInfo.Environment["TMPDIR"] = "/tmp";
        startInfo.Environment["LANG"] = "C.UTF-8";
        startInfo.Environment["TERM"] = "dumb";
        startInfo.Environment["NO_COLOR"] = "1";
        startInfo.Environment["VLLM_API_KEY"] = ApiKey;
        // Node's compile cache defaults to /tmp too; keep it warm across runs like jiti's (see the sandbox script).
        startInfo.Environment["NODE_COMPILE_CACHE"] = Path.Combine(_installation.CacheRoot, "warm", "node-compile-cache");

        var shown = $"VLLM_API_KEY={ApiKey} openclaw agent --local --agent main -m '{message}'{(json ? " --json" : string.Empty)}";
        var result = await ProcessRunner.RunAsync(startInfo, RunTimeout, cancellationToken);
        var run = new OpenClawRun(
            $"{shown}   # OpenClaw {Release.Version}, upstream {Upstream}, {bridge.ConnectionCount} connection(s)",
            result.ExitCode,
            AnsiText.Strip(result.Stdout),
            AnsiText.Strip(result.Stderr),
            result.Elapsed,
            result.TimedOut);
        _log(run.ToString());
        return run;
    }

    private void WriteConfig()
    {
        var path = Path.Combine(Home, ".openclaw", "openclaw.json");
        var config = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [];
        var models = config["models"] as JsonObject ?? [];
        config["models"] = models;
        models["providers"] = new JsonObject
        {
            ["vllm"] = new JsonObject
            {
                // Inside the namespace the forwarder listens on the upstream's own port number.
                ["baseUrl"] = $"http://127.0.0.1:{Upstream.Port}/v1",
                ["apiKey"] = ApiKey,
                ["api"] = "openai-completions",
                ["models"] = new JsonArray(new JsonObject
                {
                    ["id"] = ModelId,
                    ["name"] = "Qwen3-Coder-Next-FP8",
                    // vLLM rejects or ignores these OpenAI-only fields; the seed's working config turns them off.
                    ["compat"] = new JsonObject
                    {
                        ["supportsDeveloperRole"] = false,
                        ["supportsStore"] = false,
                        ["maxTokensField"] = "max_tokens",
                        ["supportsReasoningEffort"] = false,
                    },
                }),
            },
        };
        var agents = config["agents"] as JsonObject ?? [];
        config["agents"] = agents;
        var defaults = agents["defaults"] as JsonObject ?? [];
        agents["defaults"] = defaults;
        defaults["model"] = new JsonObject { ["primary"] = $"vllm/{ModelId}" };
        var logging = config["logging"] as JsonObject ?? [];
        config["logging"] = logging;
        logging["file"] = LogFile;
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
        }
    }

    public ValueTask DisposeAsync()
    {
        if (OpenClawEnvironment.KeepRuns)
        {
            _log($"kept {Root} ({OpenClawEnvironment.KeepRunsVariable}=1)");
        }
        else if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
