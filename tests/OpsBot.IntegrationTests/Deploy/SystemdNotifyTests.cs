using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace OpsBot.IntegrationTests.Deploy;

/// <summary>
/// Starts the real built opsbot the way systemd would for Type=notify, without systemd: NOTIFY_SOCKET
/// points at a datagram socket this test reads, and the parent process is named <c>systemd</c>, which is
/// how Microsoft.Extensions.Hosting.Systemd 10.0 decides it runs under systemd (it does not read INVOCATION_ID).
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(25);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("opsbot-notify-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Opsbot_sends_ready_once_listening_and_stopping_on_sigterm_under_systemd()
    {
        using var notify = Bind();
        await using var run = Start(parentName: "systemd", Path.Combine(_dir.FullName, "notify.sock"));

        var ready = await ReceiveUntilAsync(notify, "READY=1", StartLimit);
        Assert.True(ready, $"no READY=1 within {StartLimit.TotalSeconds} s; output:\n{run.Output}");
        // The console logger writes from its own queue, so the line may trail the notification a little.
        Assert.True(await run.WaitForOutputAsync("Proxy listening on http://127.0.0.1:", TimeSpan.FromSeconds(10)), run.Output);

        run.Terminate();
        Assert.True(await ReceiveUntilAsync(notify, "STOPPING=1", TimeSpan.FromSeconds(15)), $"no STOPPING=1; output:\n{run.Output}");
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        // Journal format: each line starts with a syslog priority, so journald keeps the level
        // (then appsettings' optional timestamp, then category and event id).
        Assert.Matches(@"(?m)^<6>(\S+ )?OpsBot\.Hosting\.ProxyListener\[10\] Proxy listening", run.Output);
        Assert.DoesNotContain("An error occurred", run.Output);
    }

    [Fact]
    public async Task Without_a_systemd_parent_opsbot_does_not_notify()
    {
        using var notify = Bind();
        await using var run = Start(parentName: "launcher", Path.Combine(_dir.FullName, "notify.sock"));

        Assert.True(await run.WaitForOutputAsync("Proxy listening on", StartLimit), $"did not start; output:\n{run.Output}");
        Assert.False(await ReceiveUntilAsync(notify, "READY=1", TimeSpan.FromSeconds(2)));
    }

    private Socket Bind()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_dir.FullName, "notify.sock")));
        return socket;
    }

    private ChildRun Start(string parentName, string notifySocket)
    {
        // A shell whose process name is `parentName` starts opsbot as its child and waits for it.
        var parent = Path.Combine(_dir.FullName, parentName);
        File.CreateSymbolicLink(parent, "/bin/bash");
        var start = new ProcessStartInfo(parent)
        {
            ArgumentList =
            {
                "-c", "\"$@\" & child=$!; echo \"child=$child\"; wait $child", parentName,
                "dotnet", RepositoryPaths.OpsBotDll, "--port", "0", "--host", "127.0.0.1", "--vllm-url", "http://127.0.0.1:9",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.FullName,
        };
        start.Environment["NOTIFY_SOCKET"] = notifySocket;
        start.Environment["History__DatabasePath"] = Path.Combine(_dir.FullName, "state", "opsbot.db");
        start.Environment["Admin__SocketPath"] = Path.Combine(_dir.FullName, "run", "admin.sock");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return new ChildRun(Process.Start(start)!);
    }

    private static async Task<bool> ReceiveUntilAsync(Socket socket, string expected, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                var message = Encoding.UTF8.GetString(buffer, 0, received);
                if (message.Split('\n').Contains(expected))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
