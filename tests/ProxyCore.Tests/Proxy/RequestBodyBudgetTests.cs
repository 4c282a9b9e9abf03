using OpsBot.ProxyCore.Proxy.RequestBodies;

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
    public async Task Growth_that_fits_is_granted_at_once_and_returned_whole()
    {
        var budget = new RequestBodyBudget(100);
        var lease = await budget.AcquireAsync(30, CancellationToken.None);

        Assert.True(lease.GrowAsync(40, CancellationToken.None).IsCompletedSuccessfully);
        lease.Shrink(10);

        Assert.Equal(60, lease.Bytes);
        Assert.Equal(60, budget.InUse);
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_growing_body_waits_for_bytes_held_by_a_request_being_answered_instead_of_overdrawing()
    {
        var budget = new RequestBodyBudget(100);
        var answered = await budget.AcquireAsync(60, CancellationToken.None);
        var growing = await budget.AcquireAsync(30, CancellationToken.None);

        var growth = growing.GrowAsync(40, CancellationToken.None).AsTask();

        // Growth is decided synchronously (on the request or on a release), so a refusal is final here.
        Assert.False(growth.IsCompleted);
        Assert.Equal(30, growing.Bytes);
        Assert.Equal(1, budget.Waiting);
        Assert.Equal(90, budget.InUse);
        answered.Dispose();
        await growth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(70, growing.Bytes);
        Assert.Equal(70, budget.InUse);
    }

    [Fact]
    public async Task New_requests_wait_behind_a_growing_body_because_it_already_holds_bytes()
    {
        var budget = new RequestBodyBudget(100);
        var answered = await budget.AcquireAsync(50, CancellationToken.None);
        var growing = await budget.AcquireAsync(30, CancellationToken.None);
        var growth = growing.GrowAsync(40, CancellationToken.None).AsTask();

        // 20 bytes are free, but the growing body asked first and holds bytes while it waits.
        var newcomer = budget.AcquireAsync(10, CancellationToken.None).AsTask();
        Assert.False(newcomer.IsCompleted);
        Assert.Equal(2, budget.Waiting);
        Assert.Equal(80, budget.InUse);

        answered.Dispose();
        await growth.WaitAsync(TimeSpan.FromSeconds(5));
        using var lease = await newcomer.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(80, budget.InUse);
    }

    [Fact]
    public async Task Bodies_that_all_wait_to_grow_do_not_deadlock_the_oldest_goes_past_the_budget_alone()
    {
        var budget = new RequestBodyBudget(100);
        var older = await budget.AcquireAsync(50, CancellationToken.None);
        var younger = await budget.AcquireAsync(50, CancellationToken.None);

        var olderGrowth = older.GrowAsync(50, CancellationToken.None).AsTask();
        Assert.False(olderGrowth.IsCompleted);
        Assert.Equal(50, older.Bytes);
        // Now every byte in use belongs to a body waiting for more: nobody would ever give any back.
        var youngerGrowth = younger.GrowAsync(50, CancellationToken.None).AsTask();

        await olderGrowth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(150, budget.InUse);
        Assert.Equal(100, older.Bytes);
        Assert.False(youngerGrowth.IsCompleted);
        Assert.Equal(50, younger.Bytes);
        Assert.Equal(1, budget.Waiting);

        older.Dispose();
        await youngerGrowth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(100, budget.InUse);
    }

    [Fact]
    public async Task A_cancelled_growth_gives_its_bytes_back_and_lets_the_next_body_grow()
    {
        var budget = new RequestBodyBudget(100);
        var holder = await budget.AcquireAsync(40, CancellationToken.None);
        var leaving = await budget.AcquireAsync(30, CancellationToken.None);
        var staying = await budget.AcquireAsync(30, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var leavingGrowth = leaving.GrowAsync(60, cancel.Token).AsTask();
        var stayingGrowth = staying.GrowAsync(60, CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leavingGrowth);
        leaving.Dispose();
        holder.Dispose();

        await stayingGrowth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(90, budget.InUse);
        Assert.Equal(0, budget.Waiting);
    }

    /// <summary>
    /// Many bodies of unknown length arriving, growing by doubling and finishing at random, against a budget a few of
    /// them fill: all finish (no deadlock), and what is held never exceeds the budget plus one body (the bound).
    /// </summary>
    [Fact]
    public async Task Concurrent_growing_bodies_all_finish_and_never_hold_more_than_the_budget_plus_one_body()
    {
        const long Capacity = 1000;
        const long Start = 64;
        const long Largest = 1024;
        var budget = new RequestBodyBudget(Capacity);
        long peak = 0;
        void Observe()
        {
            var inUse = budget.InUse;
            long seen;
            while (inUse > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, inUse, seen) != seen)
            {
            }
        }

        async Task BodyAsync(int seed)
        {
            var random = new Random(seed);
            var target = random.Next((int)Start, (int)Largest + 1);
            using var lease = await budget.AcquireAsync(Start, CancellationToken.None);
            Observe();
            var size = Start;
            while (size < target)
            {
                await Task.Yield();
                var larger = Math.Min(size * 2, Largest);
                // Old and new buffer at once while copying, as RequestBodyReader does.
                await lease.GrowAsync(larger, CancellationToken.None);
                Observe();
                lease.Shrink(size);
                size = larger;
            }

            // Being answered: held a while without waiting for anything.
            await Task.Delay(random.Next(0, 3));
        }

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => BodyAsync(i)))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, budget.InUse);
        Assert.Equal(0, budget.Waiting);
        // One body past the budget holds at most its largest buffer plus the one it is copied from.
        Assert.InRange(peak, Start, Capacity + Largest + Largest / 2);
    }
}
