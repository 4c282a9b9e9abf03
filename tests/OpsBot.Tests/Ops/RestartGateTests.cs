using OpsBot.Ops;
using OpsBot.Ops.Restarts;

namespace OpsBot.Tests.Ops;

public sealed class RestartGateTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_second_restart_while_one_runs_is_refused()
    {
        var gate = new RestartGate(TimeSpan.Zero, _time);
        Assert.True(gate.TryEnter(StackService.Gateway, out _));

        Assert.False(gate.TryEnter(StackService.Gateway, out var refusal));
        Assert.Equal("a restart of Gateway is already in progress", refusal);
    }

    [Fact]
    public void Different_services_do_not_block_each_other()
    {
        var gate = new RestartGate(TimeSpan.FromMinutes(1), _time);
        Assert.True(gate.TryEnter(StackService.Gateway, out _));

        Assert.True(gate.TryEnter(StackService.Vllm, out _));
    }

    [Fact]
    public void Cooldown_counts_from_the_end_of_the_previous_restart()
    {
        var gate = new RestartGate(TimeSpan.FromSeconds(60), _time);
        Assert.True(gate.TryEnter(StackService.Vllm, out _));
        _time.Advance(TimeSpan.FromSeconds(90));
        gate.Exit(StackService.Vllm);
        _time.Advance(TimeSpan.FromSeconds(45));

        Assert.False(gate.TryEnter(StackService.Vllm, out var refusal));
        Assert.Equal("Vllm was restarted 45 s ago; wait 15 s more (cooldown 60 s)", refusal);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True(gate.TryEnter(StackService.Vllm, out _));
    }
}
