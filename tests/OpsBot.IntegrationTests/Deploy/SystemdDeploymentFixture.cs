using System.Diagnostics;
using System.Globalization;
using OpsBot.IntegrationTests.Deploy.Nspawn;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>
/// OpsBot deployed in a booted Debian 12 container (systemd 252) by following docs/deploy.md as its user.
/// </summary>
/// <remarks>
/// Stages: (1) side by side, the cached Debian tree (scripts/debian-rootfs.sh) and self-contained publishes of
/// OpsBot and the vLLM simulator, cached by a hash of their sources; (2) boot with systemd-nspawn, both publish
/// folders bound read-only; (3) as root: the user <see cref="User"/> with sudo rights, its user manager started as a
/// login starts it, the simulator as a system service on 127.0.0.1:8000; (4) as the user: the copy step, then the
/// guide's blocks install, gateway-key, check-config, enable and check, with the settings template unchanged.
/// Every step's time goes to <see cref="ReportPath"/>, which scripts/test.sh prints after the run.
/// </remarks>
public sealed class SystemdDeploymentFixture : IAsyncLifetime
{
    /// <summary>The account of the guide and of the settings template's paths (/home/ops/...).</summary>
    public const string User = "ops";

    public const string Version = "1.0.0-test";
    public const string NextVersion = "1.0.1-test";
    public const string Model = "Qwen/Qwen3-Coder-Next-FP8";

    /// <summary>What the simulated vLLM answers every chat completion.</summary>
    public const string Answer = "Deployed under systemd.";

    public const string HealthUrl = "http://127.0.0.1:8003/health";

    /// <summary>A bash function: <c>wait_health SECONDS</c> polls /health until it answers 200, or fails when the time is up.</summary>
    public const string WaitHealthFunction = $$"""
        wait_health() {
          local end=$((SECONDS + $1))
          until curl -sf -o /dev/null --max-time 2 {{HealthUrl}}; do
            [ "$SECONDS" -lt "$end" ] || { echo "no /health 200 within $1 s"; return 1; }
            sleep 0.1
          done
        }

        """;

    private const string PublishMount = "/srv/opsbot-publish";
    private const string SimulatorMount = "/srv/vllm-simulator";
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(90);

    private readonly List<string> _report = [];
    private readonly Lock _lock = new();
    private NspawnContainer? _container;
    private string? _rootfs;
    private (string HostPath, string ContainerPath)[] _binds = [];

    public static string ReportPath => Path.Combine(SelfContainedPublish.CacheRoot, "report.txt");

    /// <summary>The container's writable layer (and its overlay mount point), kept across a reboot, removed at the end.</summary>
    private static string StatePath => Path.Combine(SelfContainedPublish.CacheRoot, "machine");

    public DeployGuide Guide { get; } = DeployGuide.Load();

    public NspawnContainer Container => _container ?? throw new InvalidOperationException("the container is not running");

    /// <summary>What the guide's check-config block printed.</summary>
    public string CheckConfigOutput { get; private set; } = "";

    public int UserId { get; private set; }

    public async Task InitializeAsync()
    {
        if (SystemdTestEnvironment.SkipRequested)
        {
            return;
        }

        SystemdTestEnvironment.EnsureCanRun();
        if (File.Exists(ReportPath))
        {
            File.Delete(ReportPath);
        }

        // Left by a run that was killed: its overlay was mounted in a namespace that is gone, so it is plain files.
        DeleteState();

        try
        {
            await SetUpAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        var container = Interlocked.Exchange(ref _container, null);
        try
        {
            if (container is not null)
            {
                await Timed("power off and teardown", async () =>
                {
                    await container.DisposeAsync();
                    return 0;
                });
            }
        }
        finally
        {
            DeleteState();
            lock (_lock)
            {
                if (_report.Count > 0)
                {
                    Directory.CreateDirectory(SelfContainedPublish.CacheRoot);
                    File.WriteAllLines(ReportPath, _report);
                }
            }
        }
    }

    public void Record(string line)
    {
        lock (_lock)
        {
            _report.Add(line);
        }
    }

    /// <summary>Runs a script as the deployment user, with <c>version</c> set as the guide expects it.</summary>
    public Task<ContainerCommandResult> AsUserAsync(string script, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? limit = null) =>
        Container.RunAsUserAsync(User, script, limit ?? CommandLimit, environment ?? new Dictionary<string, string> { ["version"] = Version });

    public Task<ContainerCommandResult> AsRootAsync(string script, TimeSpan? limit = null) =>
        Container.RunAsync(script, limit ?? CommandLimit);

    /// <summary><c>systemctl --user show opsbot.service</c> for the given properties.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ShowAsync(params string[] properties)
    {
        var result = (await AsUserAsync("systemctl --user show opsbot.service " + string.Join(' ', properties.Select(p => "-p " + p))))
            .EnsureSuccess("systemctl --user show");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1]);
    }

    /// <summary>
    /// Stands for the guide's copy from the build machine (<c>scp -rq artifacts/opsbot-$version ops@gpu-host:.local/opt/</c>):
    /// the published folder becomes <c>~/.local/opt/opsbot-VERSION</c>.
    /// </summary>
    public async Task<ContainerCommandResult> CopyBuildAsync(string version) =>
        (await AsUserAsync($"mkdir -p ~/.local/opt\ncp -a {PublishMount} ~/.local/opt/opsbot-$version", new Dictionary<string, string> { ["version"] = version }, TimeSpan.FromMinutes(3)))
        .EnsureSuccess("copying the build to ~/.local/opt");

    /// <summary>Starts OpsBot if it is not running and waits until /health answers: each test begins from a serving unit.</summary>
    public async Task EnsureServingAsync() =>
        (await AsUserAsync(WaitHealthFunction + "systemctl --user reset-failed opsbot.service || true\nsystemctl --user start opsbot.service\nwait_health 30"))
        .EnsureSuccess("starting opsbot.service");

    /// <summary>The unit's state (how its main process ended) and its last journal lines, for failure messages.</summary>
    public async Task<string> JournalTailAsync(int lines = 40) =>
        (await AsUserAsync($"systemctl --user status opsbot.service --no-pager -n 0 || true\njournalctl --user -u opsbot.service -n {lines} --no-pager -o short-precise || true")).Output;

    private async Task SetUpAsync()
    {
        // The slow preparations run side by side: debootstrap mostly waits for the mirror, the publishes for the CPU.
        var rootfs = Timed("Debian 12 tree (scripts/debian-rootfs.sh)", () => DebianRootfs.EnsureAsync(TimeSpan.FromMinutes(25)));
        var opsbot = Timed("publish opsbot (self-contained)", () => SelfContainedPublish.PublishAsync("opsbot", "src/OpsBot", ["src/ProxyCore", "deploy"], TimeSpan.FromMinutes(15)));
        var simulator = Timed("publish vLLM simulator (self-contained)", () => SelfContainedPublish.PublishAsync("vllm-simulator", "tests/VllmSimulator", [], TimeSpan.FromMinutes(15)));
        await Task.WhenAll(rootfs, opsbot, simulator);

        _rootfs = rootfs.Result;
        _binds = [(opsbot.Result, PublishMount), (simulator.Result, SimulatorMount)];
        _container = await Timed("boot to multi-user", BootAsync);

        await Timed("user, login and vLLM simulator", async () =>
        {
            var uid = (await AsRootAsync($$"""
                useradd --create-home --shell /bin/bash {{User}}
                echo '{{User}} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/{{User}}
                chmod 440 /etc/sudoers.d/{{User}}
                # What logind does at an SSH login: the user's systemd instance, /run/user/UID and its bus.
                systemctl start "user@$(id -u {{User}}).service"
                cat > /etc/systemd/system/vllm-simulator.service <<'UNIT'
                [Unit]
                Description=vLLM simulator for the deployment test
                [Service]
                ExecStart={{SimulatorMount}}/VllmSimulator --port 8000 --model {{Model}} --answer "{{Answer}}"
                [Install]
                WantedBy=multi-user.target
                UNIT
                systemctl enable --now --quiet vllm-simulator.service
                end=$((SECONDS + 60))
                until curl -sf -o /dev/null --max-time 2 http://127.0.0.1:8000/health; do
                  [ "$SECONDS" -lt "$end" ] || { echo "the vLLM simulator did not answer within 60 s"; journalctl -u vllm-simulator --no-pager | tail -20; exit 1; }
                  sleep 0.2
                done
                id -u {{User}}
                """)).EnsureSuccess("creating the user and starting the vLLM simulator").Stdout;
            UserId = int.Parse(uid.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
            return 0;
        });

        await Timed("copy the build to ~/.local/opt", async () => await CopyBuildAsync(Version));
        await RunGuideBlockAsync("install");
        await RunGuideBlockAsync("gateway-key");
        CheckConfigOutput = (await RunGuideBlockAsync("check-config")).Output;
        await RunGuideBlockAsync("enable");
        await RunGuideBlockAsync("check");
    }

    /// <summary>Powers the machine off and boots it again: what a host reboot does to the deployment.</summary>
    public async Task RebootAsync()
    {
        var container = Interlocked.Exchange(ref _container, null);
        if (container is not null)
        {
            await container.DisposeAsync();
        }

        _container = await Timed("reboot", BootAsync);
    }

    private Task<NspawnContainer> BootAsync() =>
        NspawnContainer.BootAsync(_rootfs ?? throw new InvalidOperationException("no tree"), StatePath, _binds, TimeSpan.FromMinutes(3));

    private Task<ContainerCommandResult> RunGuideBlockAsync(string name) =>
        Timed($"docs/deploy.md block '{name}'", async () =>
        {
            var result = await AsUserAsync(Guide.Block(name));
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(
                    $"docs/deploy.md block '{name}', run as {User}, exited {result.ExitCode}:{Environment.NewLine}{Guide.Block(name)}"
                    + $"--- output:{Environment.NewLine}{result.Output}{Environment.NewLine}--- journal:{Environment.NewLine}{await JournalTailAsync()}");
            }

            return result;
        });

    private static void DeleteState()
    {
        if (Directory.Exists(StatePath))
        {
            Directory.Delete(StatePath, recursive: true);
        }
    }

    private async Task<T> Timed<T>(string step, Func<Task<T>> run)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await run();
            Record($"{step}: {clock.Elapsed.TotalSeconds:F1} s");
            return result;
        }
        catch
        {
            Record($"{step}: FAILED after {clock.Elapsed.TotalSeconds:F1} s");
            throw;
        }
    }
}
