using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Sockets;
using System.Text;

namespace OpsBot.IntegrationTests.Infrastructure;

/// <summary>
/// A real Docker-compatible Engine API: Debian's podman serving <c>podman system service</c> on a
/// private unix socket, with private storage, and one container from a locally imported busybox
/// image (no registry, no network namespace: host network on 127.0.0.1). The container plays vLLM:
/// busybox httpd serves /health, /v1/models and /metrics after a one-second "model load".
/// <see cref="TwoContainerPodmanFixture"/> runs a second such container on its own port, for several vLLM targets.
/// </summary>
public class PodmanFixture : IAsyncLifetime
{
    public const string Image = "localhost/opsbot-vllm-stub:test";
    private const string Podman = "/usr/bin/podman";
    private const string Busybox = "/bin/busybox";
    private readonly int _containers;
    private readonly List<(string Name, int Port)> _running = [];
    private Process? _service;

    public PodmanFixture()
        : this(1)
    {
    }

    protected PodmanFixture(int containers) => _containers = containers;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "opsbot-podman-" + Guid.NewGuid().ToString("N")[..10]);

    public string SocketPath => Path.Combine(Directory, "podman.sock");

    public Uri Endpoint => new("unix://" + SocketPath);

    public string ContainerName { get; } = "vllm-coder-" + Guid.NewGuid().ToString("N")[..8];

    public int VllmPort => _running[0].Port;

    public Uri VllmUrl => new($"http://127.0.0.1:{VllmPort}");

    /// <summary>Every container the fixture runs, the first being <see cref="ContainerName"/> on <see cref="VllmPort"/>.</summary>
    public IReadOnlyList<(string Name, int Port)> Containers => _running;

    /// <summary>A secret the container prints to stderr, to prove log tails are redacted.</summary>
    public const string PlantedApiKey = "sk-planted-0123456789abcdef";

    public async Task InitializeAsync()
    {
        foreach (var tool in new[] { Podman, Busybox, "/usr/sbin/runc" })
        {
            if (!File.Exists(tool))
            {
                throw new InvalidOperationException($"{tool} missing: run 'apt-get install -y --no-install-recommends podman runc busybox-static' as root (scripts/test.sh, the README's test command, installs them)");
            }
        }

        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(Path.Combine(Directory, "containers.conf"), """
            [containers]
            default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            """);

        var rootfs = Path.Combine(Directory, "rootfs.tar");
        await WriteRootfsAsync(rootfs);
        await PodmanAsync(["import", rootfs, Image]);

        for (var i = 0; i < _containers; i++)
        {
            var (name, port) = (i == 0 ? ContainerName : $"{ContainerName}-{i + 1}", FreePort.Next());
            _running.Add((name, port));
            var script = string.Join("; ",
                "echo 'INFO vllm stub: loading model Qwen/Qwen3-Coder-Next-FP8'",
                $"echo 'WARNING stderr line with VLLM_API_KEY={PlantedApiKey}' >&2",
                "sleep 1",
                "echo 'INFO Application startup complete.'",
                $"exec httpd -f -p 127.0.0.1:{port} -h /www");
            await PodmanAsync(["run", "-d", "--name", name, "--network", "host", Image, "/bin/sh", "-c", script]);
        }

        var info = new ProcessStartInfo(Podman) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in GlobalArgs().Concat(["system", "service", "--time=0", "unix://" + SocketPath]))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["CONTAINERS_CONF"] = Path.Combine(Directory, "containers.conf");
        _service = Process.Start(info)!;
        _service.BeginErrorReadLine();
        _service.BeginOutputReadLine();
        await WaitForSocketAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await PodmanAsync(["rm", "-f", "-t", "0", .. _running.Select(c => c.Name)]);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
        }

        if (_service is { HasExited: false })
        {
            _service.Kill();
            await _service.WaitForExitAsync();
        }

        // conmon's "podman container cleanup" may still touch the storage for a moment after rm.
        for (var attempt = 0; attempt < 20 && System.IO.Directory.Exists(Directory); attempt++)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }

            await Task.Delay(250);
        }
    }

    public Task<string> PodmanAsync(IEnumerable<string> args) =>
        ProcessRunner.RunCheckedAsync(Podman, GlobalArgs().Concat(args).ToArray(), TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["CONTAINERS_CONF"] = Path.Combine(Directory, "containers.conf") });

    private IEnumerable<string> GlobalArgs() =>
    [
        "--root", Path.Combine(Directory, "storage"),
        "--runroot", Path.Combine(Directory, "run"),
        "--tmpdir", Path.Combine(Directory, "tmp"),
        "--storage-driver", "vfs",
        "--cgroup-manager", "cgroupfs",
        "--runtime", "runc",
        "--events-backend", "file",
    ];

    private async Task WaitForSocketAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(SocketPath))
            {
                try
                {
                    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
                    return;
                }
                catch (SocketException)
                {
                }
            }

            if (_service!.HasExited)
            {
                throw new InvalidOperationException($"podman system service exited {_service.ExitCode}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("podman system service did not create its socket");
    }

    private static async Task WriteRootfsAsync(string path)
    {
        await using var file = File.Create(path);
        await using var tar = new TarWriter(file, TarEntryFormat.Pax);
        AddDirectory(tar, "bin/");
        AddDirectory(tar, "www/");
        AddDirectory(tar, "www/v1/");
        AddDirectory(tar, "tmp/");
        var busybox = new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox")
        {
            Mode = (UnixFileMode)Convert.ToInt32("755", 8),
            DataStream = File.OpenRead(Busybox),
        };
        await tar.WriteEntryAsync(busybox);
        foreach (var applet in new[] { "sh", "sleep", "echo", "httpd", "cat" })
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
        }

        AddFile(tar, "www/health", "");
        AddFile(tar, "www/v1/models", """{"object":"list","data":[{"id":"Qwen/Qwen3-Coder-Next-FP8","object":"model","owned_by":"vllm","root":"Qwen/Qwen3-Coder-Next-FP8","parent":null,"max_model_len":262144}]}""");
        AddFile(tar, "www/metrics", """
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 2.0
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 1.0
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 0.1374

            """);
    }

    private static void AddDirectory(TarWriter tar, string name) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = (UnixFileMode)Convert.ToInt32("755", 8) });

    private static void AddFile(TarWriter tar, string name, string content) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)Convert.ToInt32("644", 8),
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        });
}

/// <summary>Two vLLM stand-in containers on one podman service: several vLLM targets (<c>Ops:Vllm:0</c>, <c>Ops:Vllm:1</c>).</summary>
public sealed class TwoContainerPodmanFixture : PodmanFixture
{
    public TwoContainerPodmanFixture()
        : base(2)
    {
    }
}
