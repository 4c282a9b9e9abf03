using OpsBot.ProxyCore.Proxy;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class RequestBodyBudgetTests
{
    [Fact]
    public async Task Bytes_that_fit_are_granted_at_once_and_returned_on_dispose()
    {
        var budget = new RequestBodyBudget(100);

        using (var lease = await budget.AcquireAsync(60, CancellationToken.None))
        {
            Assert.Equal(60, lease.Bytes);
            Assert.Equal(60, budget.InUse);
        }

        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_request_that_does_not_fit_waits_until_bytes_are_returned()
    {
        var budget = new RequestBodyBudget(100);
        var first = await budget.AcquireAsync(70, CancellationToken.None);

        var second = budget.AcquireAsync(50, CancellationToken.None).AsTask();
        // Grants are decided synchronously (on acquire or on release), so the state is final here.
        Assert.False(second.IsCompleted);
        Assert.Equal(1, budget.Waiting);
        Assert.Equal(70, budget.InUse);

        first.Dispose();
        using var granted = await second.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(50, budget.InUse);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public async Task Waiters_are_served_in_arrival_order_so_a_large_body_is_not_starved_by_small_ones()
    {
        var budget = new RequestBodyBudget(100);
        var holder = await budget.AcquireAsync(60, CancellationToken.None);
        var large = budget.AcquireAsync(80, CancellationToken.None).AsTask();
        // 30 bytes are free, but the large body came first.
        var small = budget.AcquireAsync(30, CancellationToken.None).AsTask();
        Assert.False(small.IsCompleted);
        Assert.Equal(2, budget.Waiting);

        holder.Dispose();
        // The release granted the large body's bytes at once; the small one still queues behind it (80 + 30 > 100).
        Assert.Equal(80, budget.InUse);
        Assert.Equal(1, budget.Waiting);
        var largeLease = await large.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(small.IsCompleted);

        largeLease.Dispose();
        using var smallLease = await small.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(30, budget.InUse);
    }

    [Fact]
    public async Task A_body_larger_than_the_whole_budget_runs_alone_instead_of_never()
    {
        var budget = new RequestBodyBudget(100);

        using var lease = await budget.AcquireAsync(5_000, CancellationToken.None);

        Assert.Equal(100, lease.Bytes);
        Assert.False(budget.AcquireAsync(1, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_lets_the_ones_behind_it_through()
    {
        var budget = new RequestBodyBudget(100);
        var holder = await budget.AcquireAsync(50, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var blocked = budget.AcquireAsync(90, cancel.Token).AsTask();
        var behind = budget.AcquireAsync(40, CancellationToken.None).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
        using var lease = await behind.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(90, budget.InUse);
        holder.Dispose();
        Assert.Equal(40, budget.InUse);
    }

    [Fact]
    public async Task Growing_a_lease_never_waits_and_is_returned_whole()
    {
        var budget = new RequestBodyBudget(100);
        var lease = await budget.AcquireAsync(64, CancellationToken.None);

        lease.Grow(128);

        Assert.Equal(192, budget.InUse);
        Assert.False(budget.AcquireAsync(1, CancellationToken.None).IsCompleted);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(1, budget.InUse);
    }
}
