using OpsBot.Ops;
using OpsBot.Ops.Docker;
using OpsBot.Ops.Probes;
using OpsBot.ProxyCore.Events;

namespace OpsBot.Tests.Ops;

public sealed class StackHealthRulesTests
{
    private static readonly EndpointCheck Ok = new(200, null, TimeSpan.FromMilliseconds(5));
    private static readonly EndpointCheck Refused = new(null, "/health: connection refused or unreachable", TimeSpan.FromMilliseconds(1));
    private static readonly ContainerObservation Running = new(ContainerProbeOutcome.Found, "running", true, new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), 2);

    private static VllmObservation Vllm(EndpointCheck health, EndpointCheck models, ContainerObservation container, params string[] ids) =>
        new(health, models, ids, Ok, new VllmMetrics(1, 0, 0.5), container);

    [Fact]
    public void Vllm_serving_a_model_is_healthy_with_gauges_in_the_details()
    {
        var status = StackHealthRules.EvaluateVllm(Vllm(Ok, Ok, Running, "Qwen/Qwen3-Coder-Next-FP8"));

        Assert.Equal((HealthState.Healthy, "serving Qwen/Qwen3-Coder-Next-FP8"), (status.State, status.Summary));
        Assert.Contains(new KeyValuePair<string, string>("requests", "1 running, 0 waiting"), status.Details);
        Assert.Contains(new KeyValuePair<string, string>("container", "running since 2026-11-25 09:00:00Z, restarts 2"), status.Details);
    }

    [Fact]
    public void Vllm_refusing_connections_while_its_container_runs_is_loading()
    {
        var status = StackHealthRules.EvaluateVllm(Vllm(Refused, Refused, Running));

        Assert.Equal(HealthState.Degraded, status.State);
        Assert.Contains("model still loading", status.Summary);
    }

    [Fact]
    public void Vllm_health_503_is_down_as_engine_dead()
    {
        var status = StackHealthRules.EvaluateVllm(Vllm(new EndpointCheck(503, null, TimeSpan.Zero), Ok, Running));

        Assert.Equal((HealthState.Down, "/health returned 503 (engine dead)"), (status.State, status.Summary));
    }

    [Fact]
    public void Vllm_with_an_exited_container_is_down_with_the_exit_code()
    {
        var exited = new ContainerObservation(ContainerProbeOutcome.Found, "exited", false, ExitCode: 137);

        var status = StackHealthRules.EvaluateVllm(Vllm(Refused, Refused, exited));

        Assert.Equal((HealthState.Down, "container exited (exit code 137)"), (status.State, status.Summary));
    }

    [Fact]
    public void Vllm_without_docker_configured_still_reports_from_http_alone()
    {
        var status = StackHealthRules.EvaluateVllm(Vllm(Refused, Refused, ContainerObservation.NotConfigured));

        Assert.Equal(HealthState.Down, status.State);
        Assert.StartsWith("API unreachable", status.Summary);
        Assert.Contains(new KeyValuePair<string, string>("container", "not configured (set Ops:Vllm:ContainerName)"), status.Details);
    }

    [Fact]
    public void Vllm_health_ok_but_models_failing_is_degraded()
    {
        var status = StackHealthRules.EvaluateVllm(Vllm(Ok, new EndpointCheck(401, null, TimeSpan.Zero), Running));

        Assert.Equal(HealthState.Degraded, status.State);
        Assert.Contains("/v1/models failed: 401", status.Summary);
    }

    private static GatewayObservation Gateway(string? active, bool portOpen, string? sshError = null) =>
        new(true, "openclaw-gateway.service", active, null, null, sshError, 18791, portOpen, portOpen ? null : "connection refused");

    [Theory]
    [InlineData("active", true, HealthState.Healthy)]
    [InlineData("active", false, HealthState.Degraded)]
    [InlineData("activating", true, HealthState.Degraded)]
    [InlineData("failed", false, HealthState.Down)]
    [InlineData("inactive", true, HealthState.Down)]
    public void Gateway_state_combines_unit_state_and_port(string active, bool portOpen, HealthState expected)
    {
        Assert.Equal(expected, StackHealthRules.EvaluateGateway(Gateway(active, portOpen)).State);
    }

    [Fact]
    public void Gateway_ssh_failure_with_open_port_is_unknown_and_with_closed_port_down()
    {
        var open = StackHealthRules.EvaluateGateway(Gateway(null, true, "SSH key authentication refused"));
        var closed = StackHealthRules.EvaluateGateway(Gateway(null, false, "cannot reach gw:22: connection refused"));

        Assert.Equal((HealthState.Unknown, "SSH failed: SSH key authentication refused; port 18791 open"), (open.State, open.Summary));
        Assert.Equal(HealthState.Down, closed.State);
    }

    [Fact]
    public void Gateway_not_configured_is_unknown()
    {
        var status = StackHealthRules.EvaluateGateway(GatewayObservation.NotConfigured("openclaw-gateway.service", 18791));

        Assert.Equal((HealthState.Unknown, "not configured (set Ops:Gateway:Host)"), (status.State, status.Summary));
    }

    private static ProxyObservation Proxy(bool running, int requests, int errors) =>
        new(running, new Uri("http://127.0.0.1:8003/"), new ProxyStatisticsSnapshot(DateTimeOffset.UnixEpoch, TimeSpan.FromHours(2), 100, requests, errors, 0, null, null));

    [Theory]
    [InlineData(true, 10, 1, HealthState.Healthy)]
    [InlineData(true, 10, 5, HealthState.Degraded)]
    [InlineData(true, 3, 3, HealthState.Healthy)]
    [InlineData(false, 0, 0, HealthState.Down)]
    public void Proxy_is_degraded_only_by_a_high_error_ratio_over_enough_requests(bool running, int requests, int errors, HealthState expected)
    {
        Assert.Equal(expected, StackHealthRules.EvaluateProxy(Proxy(running, requests, errors)).State);
    }
}
