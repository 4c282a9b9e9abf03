using System.Diagnostics;
using System.Globalization;
using OpsBot.IntegrationTests.Infrastructure;

namespace OpsBot.IntegrationTests.Deploy.Nspawn;

/// <summary>
/// A Debian tree booted with <c>systemd-nspawn --boot</c>: systemd as the container's PID 1, a private network
/// (loopback only, no veth to clean up), not registered with machined (the host has no systemd). The cached tree is
/// the read-only lower layer of an overlay whose writable layer lives in a state folder: booting again with the same
/// folder is a reboot of the same machine. Commands run inside through <c>nsenter</c> into the namespaces of the
/// container's PID 1.
/// </summary>
/// <remarks>
/// The overlay is mounted in a mount namespace of its own (<c>unshare --mount</c>, then nspawn), so it disappears with
/// the container whatever happens to the test. Disposal asks the container to power off (SIGTERM to nspawn, which
/// sends SIGRTMIN+3 to PID 1), kills what is left after a bound, and checks that no container process and no mount of
/// the tree remain.
/// </remarks>
public sealed class NspawnContainer : IAsyncDisposable
{
    private const string MachineName = "opsbot-deploy-test";
    private const string ContainerPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private const int ConsoleLines = 300;
    private static readonly TimeSpan PowerOffLimit = TimeSpan.FromSeconds(30);

    private readonly Process _nspawn;
    private readonly string _rootfs;
    private readonly string _state;
    private readonly Queue<string> _console = new();
    private readonly Lock _lock = new();
    private readonly EventHandler _onProcessExit;
    private int _disposed;

    private NspawnContainer(Process nspawn, string rootfs, string state)
    {
        _nspawn = nspawn;
        _rootfs = rootfs;
        _state = state;
        _nspawn.OutputDataReceived += (_, e) => Append(e.Data);
        _nspawn.ErrorDataReceived += (_, e) => Append(e.Data);
        _nspawn.BeginOutputReadLine();
        _nspawn.BeginErrorReadLine();
        // If the test host dies (a run cancelled with Ctrl+C), the container must not outlive it.
        _onProcessExit = (_, _) => KillEverything();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    /// <summary>The container's PID 1 (systemd) as the host sees it.</summary>
    public int LeaderPid { get; private set; }

    /// <summary>The last lines nspawn and the container's console printed (boot messages, errors).</summary>
    public string Console
    {
        get
        {
            lock (_lock)
            {
                return string.Join(Environment.NewLine, _console);
            }
        }
    }

    /// <summary>
    /// Boots <paramref name="rootfs"/> with the changes kept in <paramref name="state"/> (created when missing, reused to
    /// boot the same machine again) and waits until its systemd reports the boot finished.
    /// </summary>
    public static async Task<NspawnContainer> BootAsync(
        string rootfs, string state, IEnumerable<(string HostPath, string ContainerPath)> readOnlyBinds, TimeSpan limit)
    {
        var upper = Directory.CreateDirectory(Path.Combine(state, "upper")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(state, "work")).FullName;
        var merged = Directory.CreateDirectory(Path.Combine(state, "merged")).FullName;
        var info = new ProcessStartInfo(HostTools.Require("unshare", "util-linux"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] mountThenBoot =
        [
            "--mount", "--propagation", "private", "--", "/bin/sh", "-c",
            "set -e; mount -t overlay overlay -o \"lowerdir=$1,upperdir=$2,workdir=$3\" \"$4\"; shift 4; exec \"$@\"",
            "sh", rootfs, upper, work, merged,
            HostTools.Require("systemd-nspawn", "systemd-container"), "--directory", merged,
            "--register=no", "--keep-unit", "--private-network", "--machine=" + MachineName,
            "--setenv=TERM=dumb", "--setenv=SYSTEMD_COLORS=0",
        ];
        foreach (var arg in mountThenBoot)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (hostPath, containerPath) in readOnlyBinds)
        {
            info.ArgumentList.Add($"--bind-ro={hostPath}:{containerPath}");
        }

        info.ArgumentList.Add("--boot");
        info.Environment["SYSTEMD_COLORS"] = "0";
        var container = new NspawnContainer(Process.Start(info) ?? throw new InvalidOperationException("cannot start systemd-nspawn"), rootfs, state);
        try
        {
            await container.WaitForBootAsync(limit);
            return container;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a bash script as root inside the container.</summary>
    public Task<ContainerCommandResult> RunAsync(string script, TimeSpan limit) =>
        ExecAsync(["/bin/bash", "-c", "set -euo pipefail\n" + script], limit);

    /// <summary>
    /// Runs a bash script as <paramref name="user"/> in a login shell (<c>runuser -l</c>: the user's PATH from
    /// ~/.profile), with the variables a login session gets from pam_systemd (XDG_RUNTIME_DIR, the session bus)
    /// plus <paramref name="environment"/>, under <c>set -euo pipefail</c>.
    /// </summary>
    public Task<ContainerCommandResult> RunAsUserAsync(string user, string script, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var exports = string.Concat((environment ?? new Dictionary<string, string>()).Select(kv => $" {kv.Key}={ShellQuote(kv.Value)}"));
        var prelude = "export XDG_RUNTIME_DIR=/run/user/$(id -u) DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus "
            + "SYSTEMD_PAGER= SYSTEMD_COLORS=0" + exports + "\n";
        // In a subshell: `exit` in a login shell runs ~/.bash_logout, whose last status would replace the script's.
        return ExecAsync(["/usr/sbin/runuser", "-l", user, "-c", prelude + "(\nset -euo pipefail\n" + script + "\n)"], limit);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        var problems = new List<string>();
        if (!_nspawn.HasExited)
        {
            Signal(_nspawn.Id, "TERM");
            if (!await ExitedWithinAsync(PowerOffLimit))
            {
                problems.Add($"the container did not power off within {PowerOffLimit.TotalSeconds:F0} s and was killed");
                KillEverything();
                if (!await ExitedWithinAsync(TimeSpan.FromSeconds(10)))
                {
                    problems.Add($"systemd-nspawn (pid {_nspawn.Id}) survived SIGKILL");
                }
            }
        }

        if (LeaderPid > 0 && IsContainerInit(LeaderPid))
        {
            problems.Add($"the container's PID 1 ({LeaderPid}) is still running");
        }

        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Where(l => l.Contains(_rootfs, StringComparison.Ordinal) || l.Contains(_state, StringComparison.Ordinal)).ToList();
        if (mounts.Count > 0)
        {
            problems.Add("mounts of the tree are left: " + string.Join("; ", mounts));
        }

        _nspawn.Dispose();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("container teardown: " + string.Join("; ", problems) + Environment.NewLine + Console);
        }
    }

    private async Task<ContainerCommandResult> ExecAsync(IReadOnlyList<string> command, TimeSpan limit)
    {
        string[] nsenter =
        [
            "--target", LeaderPid.ToString(CultureInfo.InvariantCulture),
            "--mount", "--uts", "--ipc", "--net", "--pid", "--cgroup", "--root", "--wd", "--",
            "/usr/bin/env", "-i", "PATH=" + ContainerPath, "HOME=/root", "LANG=C.UTF-8", "TERM=dumb", "SYSTEMD_COLORS=0", "SYSTEMD_PAGER=",
        ];
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(HostTools.Require("nsenter", "util-linux"), nsenter.Concat(command), limit);
        return new ContainerCommandResult(code, stdout, stderr, clock.Elapsed);
    }

    private async Task WaitForBootAsync(TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (LeaderPid == 0)
        {
            if (_nspawn.HasExited)
            {
                throw new InvalidOperationException($"systemd-nspawn exited with {_nspawn.ExitCode} before the container started:{Environment.NewLine}{Console}");
            }

            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"the container's PID 1 did not appear within {limit.TotalSeconds:F0} s:{Environment.NewLine}{Console}");
            }

            LeaderPid = FindChild(_nspawn.Id);
            if (LeaderPid == 0)
            {
                await Task.Delay(100);
            }
        }

        // nsenter fails until PID 1 has set up its root; is-system-running --wait returns once boot is over.
        var last = "";
        while (deadline.Elapsed < limit)
        {
            if (_nspawn.HasExited)
            {
                throw new InvalidOperationException($"systemd-nspawn exited with {_nspawn.ExitCode} while the container booted:{Environment.NewLine}{Console}");
            }

            var remaining = limit - deadline.Elapsed;
            try
            {
                var state = await ExecAsync(["systemctl", "is-system-running", "--wait"], remaining);
                last = state.Output;
                if (state.Stdout.Trim() is "running" or "degraded")
                {
                    return;
                }
            }
            catch (TimeoutException)
            {
                break;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the container did not finish booting within {limit.TotalSeconds:F0} s (last state: {last}):{Environment.NewLine}{Console}");
    }

    private async Task<bool> ExitedWithinAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _nspawn.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void KillEverything()
    {
        // SIGKILL to the container's PID 1 ends its whole PID namespace; then nspawn itself.
        if (LeaderPid > 0)
        {
            Signal(LeaderPid, "KILL");
        }

        try
        {
            _nspawn.Kill();
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid.ToString(CultureInfo.InvariantCulture) }, RedirectStandardError = true });
        kill?.WaitForExit(5000);
    }

    /// <summary>The child of <paramref name="parent"/> that is PID 1 of its own PID namespace: the container's systemd.</summary>
    private static int FindChild(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                var ppid = status.FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                if (ppid is not null && int.Parse(ppid[5..].Trim(), CultureInfo.InvariantCulture) == parent && IsContainerInit(pid))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // the process ended while we looked
            }
        }

        return 0;
    }

    /// <summary>Whether <paramref name="pid"/> is still PID 1 of a nested PID namespace (not a reused PID).</summary>
    private static bool IsContainerInit(int pid)
    {
        try
        {
            var nspid = File.ReadAllLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("NSpid:", StringComparison.Ordinal));
            return nspid is not null && nspid.Split('\t', StringSplitOptions.RemoveEmptyEntries).Last() == "1";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _console.Enqueue(line);
            while (_console.Count > ConsoleLines)
            {
                _console.Dequeue();
            }
        }
    }
}
