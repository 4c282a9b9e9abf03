using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsBot.Ops.Configuration;

namespace OpsBot.Ops.Docker;

/// <summary>Docker.DotNet against the configured endpoint, scoped to the one configured container.</summary>
public sealed partial class DockerContainerEngine : IContainerEngine, IDisposable
{
    private readonly VllmOpsOptions _vllm;
    private readonly DockerOpsOptions _docker;
    private readonly ILogger<DockerContainerEngine> _logger;
    private readonly Lazy<DockerClient> _client;

    public DockerContainerEngine(IOptions<VllmOpsOptions> vllm, IOptions<DockerOpsOptions> docker, ILogger<DockerContainerEngine> logger)
    {
        _vllm = vllm.Value;
        _docker = docker.Value;
        _logger = logger;
        _client = new Lazy<DockerClient>(() => new DockerClientConfiguration(_docker.Endpoint).CreateClient());
    }

    public bool IsConfigured => _vllm.ContainerConfigured;

    private string Name => _vllm.ContainerName!;

    public async Task<ContainerObservation> InspectAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return ContainerObservation.NotConfigured;
        }

        if (MissingSocket() is { } missing)
        {
            return new ContainerObservation(ContainerProbeOutcome.EngineUnreachable, Error: missing);
        }

        try
        {
            var inspect = await _client.Value.Containers.InspectContainerAsync(Name, cancellationToken);
            var state = inspect.State;
            return new ContainerObservation(
                ContainerProbeOutcome.Found,
                state?.Status,
                state?.Running ?? false,
                ParseDockerTime(state?.StartedAt),
                inspect.RestartCount,
                state?.ExitCode,
                state?.Health?.Status);
        }
        catch (Exception ex) when (Describe(ex, cancellationToken) is { } failure)
        {
            return new ContainerObservation(failure.Outcome, Error: failure.Message);
        }
    }

    public async Task<string?> RestartAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return ContainerObservation.NotConfigured.Error;
        }

        if (MissingSocket() is { } missing)
        {
            return missing;
        }

        try
        {
            var parameters = new ContainerRestartParameters { WaitBeforeKillSeconds = (uint)_vllm.StopTimeoutSeconds };
            await _client.Value.Containers.RestartContainerAsync(Name, parameters, cancellationToken);
            LogRestarted(Name);
            return null;
        }
        catch (Exception ex) when (Describe(ex, cancellationToken) is { } failure)
        {
            return failure.Message;
        }
    }

    public async Task<LogTail> TailAsync(int lines, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return new LogTail(StackService.Vllm, lines, [], ContainerObservation.NotConfigured.Error);
        }

        if (MissingSocket() is { } missing)
        {
            return new LogTail(StackService.Vllm, lines, [], missing);
        }

        try
        {
            var inspect = await _client.Value.Containers.InspectContainerAsync(Name, cancellationToken);
            var tty = inspect.Config?.Tty ?? false;
            var parameters = new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Follow = false,
                Tail = lines.ToString(CultureInfo.InvariantCulture),
            };
            using var stream = await _client.Value.Containers.GetContainerLogsAsync(Name, tty, parameters, cancellationToken);
            var assembler = new DockerLogLineAssembler();
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                while (true)
                {
                    var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
                    if (read.EOF || read.Count == 0)
                    {
                        break;
                    }

                    assembler.Append(read.Target == MultiplexedStream.TargetStream.StandardError, buffer.AsSpan(0, read.Count));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            var all = assembler.Complete();
            return new LogTail(StackService.Vllm, lines, all.Count > lines ? all.Skip(all.Count - lines).ToArray() : all);
        }
        catch (Exception ex) when (Describe(ex, cancellationToken) is { } failure)
        {
            return new LogTail(StackService.Vllm, lines, [], failure.Message);
        }
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private string? MissingSocket()
    {
        if (_docker.Endpoint.Scheme == "unix" && !File.Exists(_docker.Endpoint.LocalPath))
        {
            return $"Docker socket {_docker.Endpoint.LocalPath} does not exist (Docker not running here, or Ops:Docker:Endpoint is wrong)";
        }

        return null;
    }

    private (ContainerProbeOutcome Outcome, string Message)? Describe(Exception ex, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return ex switch
        {
            DockerContainerNotFoundException => (ContainerProbeOutcome.NotFound, $"container '{Name}' not found on {_docker.Endpoint}"),
            DockerApiException api => (ContainerProbeOutcome.Failed, $"Docker API answered {(int)api.StatusCode} for container '{Name}': {Trim(api.ResponseBody)}"),
            HttpRequestException or SocketException or IOException =>
                (ContainerProbeOutcome.EngineUnreachable, $"Docker engine at {_docker.Endpoint} unreachable: {Innermost(ex).Message}"),
            OperationCanceledException or TimeoutException => (ContainerProbeOutcome.Failed, $"Docker API call for container '{Name}' timed out"),
            _ => null,
        };
    }

    private static DateTimeOffset? ParseDockerTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && parsed.Year > 1
            ? parsed
            : null;

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static string Trim(string? body)
    {
        var text = (body ?? "").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    [LoggerMessage(EventId = OpsBotEventIds.DockerContainerEngineRestarted, Level = LogLevel.Information, Message = "Docker restarted container {Container}")]
    private partial void LogRestarted(string container);
}
