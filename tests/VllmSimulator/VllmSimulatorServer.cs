using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpsBot.VllmSimulator.Endpoints;

namespace OpsBot.VllmSimulator;

/// <summary>
/// A vLLM v0.15 OpenAI-compatible server on 127.0.0.1 (Kestrel), scripted per request with <see cref="Enqueue"/>.
/// Stop/StartAgain simulate a vLLM restart on the same port; queued answers and recordings survive it.
/// </summary>
public sealed class VllmSimulatorServer : IAsyncDisposable
{
    private readonly SimulatorState _state;
    private readonly RequestRouter _router;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private WebApplication? _app;
    private CancellationTokenSource? _stopping;
    private int _port;
    private int _disposed;

    private VllmSimulatorServer(SimulatorOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ModelName);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxModelLen);
        _state = new SimulatorState(options);
        _router = new RequestRouter(_state);
        _port = options.Port;
    }

    /// <summary>http://127.0.0.1:PORT (no /v1).</summary>
    public Uri BaseUrl => new($"http://127.0.0.1:{_port}");

    public int Port => _port;

    public string ModelName => _state.Options.ModelName;

    /// <summary>Served when the queue is empty; <c>Text("4")</c> by default.</summary>
    public SimulatedAnswer DefaultAnswer
    {
        get => _state.DefaultAnswer;
        set => _state.DefaultAnswer = value;
    }

    /// <summary>Recorded requests (oldest first, bounded by <see cref="SimulatorOptions.MaxRecordedRequests"/>).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.SnapshotRequests();

    /// <summary>Only the /v1/chat/completions requests of <see cref="Requests"/>.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests =>
        _state.SnapshotRequests().Where(r => r.Path == "/v1/chat/completions").ToArray();

    /// <summary>/health answers 200 when true, 503 (empty body) when false.</summary>
    public bool Healthy
    {
        get => _state.Healthy;
        set => _state.Healthy = value;
    }

    /// <summary>Chat requests currently generating (vllm:num_requests_running).</summary>
    public int ActiveRequests => _state.Running;

    /// <summary>The most chat requests that were generating at the same time so far (exact, not sampled).</summary>
    public int PeakActiveRequests => _state.PeakRunning;

    /// <summary>Chat requests queued behind <see cref="SimulatorOptions.MaxNumSeqs"/>.</summary>
    public int WaitingRequests => _state.Waiting;

    /// <summary>Enqueued answers not yet served.</summary>
    public int PendingAnswers => _state.PendingAnswers;

    /// <summary>/health and /ping calls so far (they are not recorded individually).</summary>
    public long HealthChecks => _state.Metrics.HealthChecks;

    public bool IsListening => _app is not null;

    public static async Task<VllmSimulatorServer> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var server = new VllmSimulatorServer(options ?? new SimulatorOptions());
        await server.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        return server;
    }

    /// <summary>FIFO: one answer per /v1/chat/completions request that passes validation.</summary>
    public void Enqueue(params SimulatedAnswer[] answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var answer in answers)
        {
            ArgumentNullException.ThrowIfNull(answer);
            _state.Enqueue(answer);
        }
    }

    public void ClearRequests() => _state.ClearRequests();

    /// <summary>
    /// Completes with the next chat request whose client went away before the response finished
    /// (each abort is handed out once, so an abort that happened before the call is not missed).
    /// </summary>
    public async Task<RecordedRequest> WaitForAbortAsync(TimeSpan timeout)
    {
        // Real time on purpose: this bounds the test's wait, not simulated model time.
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _state.Aborts.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No chat request was aborted by its client within {timeout}.");
        }
    }

    /// <summary>Stops listening (connection refused) and resets in-flight connections, like a vLLM restart.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_app is not { } app)
            {
                return;
            }

            _app = null;
            await _stopping!.CancelAsync().ConfigureAwait(false);
            await app.StopAsync(ct).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            _stopping.Dispose();
            _stopping = null;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Listens again on the same port (the first start's port when it was chosen automatically).</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_app is not null)
            {
                return;
            }

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
                kestrel.Listen(IPAddress.Loopback, _port, listen => listen.Protocols = HttpProtocols.Http1);
            });
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
            var app = builder.Build();
            var stopping = new CancellationTokenSource();
            _router.Stopping = stopping.Token;
            app.Run(_router.HandleAsync);
            await app.StartAsync(ct).ConfigureAwait(false);

            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            _port = new Uri(address).Port;
            _stopping = stopping;
            _app = app;
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _lifecycle.Dispose();
    }
}
