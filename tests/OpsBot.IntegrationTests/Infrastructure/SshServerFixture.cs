using System.Diagnostics;
using System.Net.Sockets;

namespace OpsBot.IntegrationTests.Infrastructure;

/// <summary>
/// A real OpenSSH server on 127.0.0.1 with its own config, host key and client key, key-only, logging
/// in as the current user (root). The session PATH starts with stand-in systemctl/journalctl/openclaw.
/// </summary>
public sealed class SshServerFixture : IAsyncLifetime
{
    private const string Sshd = "/usr/sbin/sshd";
    private Process? _sshd;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "opsbot-ssh-" + Guid.NewGuid().ToString("N")[..10]);

    public int Port { get; private set; }

    public string User => Environment.UserName;

    public string ClientKeyPath => Path.Combine(Directory, "client_key");

    /// <summary>A key the server does not accept (not in authorized_keys).</summary>
    public string StrangerKeyPath => Path.Combine(Directory, "stranger_key");

    public string HostKeyFingerprint { get; private set; } = "";

    /// <summary>The fingerprint of a different key, to pin the wrong one.</summary>
    public string OtherHostKeyFingerprint { get; private set; } = "";

    public string CallsLog => Path.Combine(Directory, "calls.log");

    public string StateDirectory => Path.Combine(Directory, "state");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} missing: run 'apt-get install -y openssh-server' as root (scripts/test.sh, the README's test command, installs it)");
        }

        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(StateDirectory);
        var bin = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "bin")).FullName;
        WriteExecutable(Path.Combine(bin, "systemctl"), FakeGatewayScripts.Systemctl);
        WriteExecutable(Path.Combine(bin, "journalctl"), FakeGatewayScripts.Journalctl);
        WriteExecutable(Path.Combine(bin, "openclaw"), FakeGatewayScripts.OpenClaw);
        await File.WriteAllTextAsync(Path.Combine(Directory, "journal.txt"), "");

        var hostKey = Path.Combine(Directory, "ssh_host_ed25519_key");
        var otherKey = Path.Combine(Directory, "other_host_key");
        foreach (var key in new[] { hostKey, otherKey, ClientKeyPath, StrangerKeyPath })
        {
            await ProcessRunner.RunCheckedAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "opsbot-test", "-f", key], TimeSpan.FromSeconds(10));
        }

        File.Copy(ClientKeyPath + ".pub", Path.Combine(Directory, "authorized_keys"));
        HostKeyFingerprint = await FingerprintAsync(hostKey + ".pub");
        OtherHostKeyFingerprint = await FingerprintAsync(otherKey + ".pub");

        // SHLVL=1 in SetEnv: bash sources ~/.bashrc for commands run by sshd only at shell level 1,
        // and a developer's .bashrc (pyenv init, …) can take seconds: the stand-ins must answer fast.
        // sshd's privilege separation directory; present on a system where the ssh service ran once.
        System.IO.Directory.CreateDirectory("/run/sshd");
        Port = FreePort.Next();
        var config = Path.Combine(Directory, "sshd_config");
        await File.WriteAllTextAsync(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {Directory}/sshd.pid
            AuthorizedKeysFile {Directory}/authorized_keys
            PermitRootLogin prohibit-password
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            LogLevel VERBOSE
            SetEnv PATH={bin}:/usr/bin:/bin OPSBOT_FAKE_DIR={Directory} SHLVL=1
            """);
        await ProcessRunner.RunCheckedAsync(Sshd, ["-t", "-f", config], TimeSpan.FromSeconds(10));

        var info = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-D", "-e", "-f", config })
        {
            info.ArgumentList.Add(arg);
        }

        _sshd = Process.Start(info)!;
        _sshd.ErrorDataReceived += (_, e) => AppendLog(e.Data);
        _sshd.OutputDataReceived += (_, e) => AppendLog(e.Data);
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        await WaitForBannerAsync();
    }

    public async Task DisposeAsync()
    {
        if (_sshd is { HasExited: false })
        {
            _sshd.Kill();
            await _sshd.WaitForExitAsync();
        }

        // Stand-in scripts record their PIDs; end any that a timed-out test left behind.
        var pids = Path.Combine(Directory, "pids");
        if (File.Exists(pids))
        {
            foreach (var line in await File.ReadAllLinesAsync(pids))
            {
                if (int.TryParse(line, out var pid))
                {
                    try
                    {
                        using var p = Process.GetProcessById(pid);
                        if (p.ProcessName is "sleep" or "sh")
                        {
                            p.Kill();
                        }
                    }
                    catch (ArgumentException)
                    {
                    }
                    catch (InvalidOperationException)
                    {
                    }
                }
            }
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public void Reset()
    {
        File.Delete(CallsLog);
        foreach (var file in System.IO.Directory.GetFiles(StateDirectory))
        {
            File.Delete(file);
        }
    }

    public void SetState(string name, string value) => File.WriteAllText(Path.Combine(StateDirectory, name), value + "\n");

    public void SetJournal(params string[] lines) => File.WriteAllText(Path.Combine(Directory, "journal.txt"), string.Join("\n", lines) + "\n");

    public IReadOnlyList<string> Calls() => File.Exists(CallsLog) ? File.ReadAllLines(CallsLog) : [];

    public string ServerLog { get; private set; } = "";

    private void AppendLog(string? line)
    {
        if (line is not null)
        {
            lock (this)
            {
                ServerLog += line + "\n";
            }
        }
    }

    private async Task WaitForBannerAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                var buffer = new byte[4];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                if (await client.GetStream().ReadAsync(buffer, cts.Token) > 0)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
            {
            }

            if (_sshd!.HasExited)
            {
                throw new InvalidOperationException($"sshd exited {_sshd.ExitCode}: {ServerLog}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"sshd did not answer on 127.0.0.1:{Port}: {ServerLog}");
    }

    private static async Task<string> FingerprintAsync(string publicKey)
    {
        // "256 SHA256:abc… comment (ED25519)"
        var output = await ProcessRunner.RunCheckedAsync("ssh-keygen", ["-lf", publicKey], TimeSpan.FromSeconds(10));
        return output.Split(' ')[1];
    }

    private static void WriteExecutable(string path, string content)
    {
        File.WriteAllText(path, content.Replace("\r\n", "\n") + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
