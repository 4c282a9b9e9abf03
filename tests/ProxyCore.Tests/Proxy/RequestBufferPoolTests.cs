using Microsoft.Extensions.Time.Testing;
using OpsBot.ProxyCore.Proxy.RequestBodies;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class RequestBufferPoolTests
{
    [Fact]
    public void A_returned_buffer_is_reused_for_the_next_body_of_that_size_class()
    {
        var pool = new RequestBufferPool(retainLimit: 4 * 1024 * 1024);
        var first = pool.Rent(1_000_000);

        pool.Return(first);

        Assert.Equal(1024 * 1024, first.Length);
        Assert.Equal(first.Length, pool.Retained);
        Assert.Same(first, pool.Rent(600_000));
        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void Buffers_beyond_the_retain_limit_are_left_to_the_gc()
    {
        var pool = new RequestBufferPool(retainLimit: 2 * 1024 * 1024);
        var buffers = Enumerable.Range(0, 5).Select(_ => pool.Rent(1024 * 1024)).ToList();

        buffers.ForEach(pool.Return);

        Assert.Equal(2 * 1024 * 1024, pool.Retained);
    }

    [Fact]
    public void Foreign_arrays_are_not_kept()
    {
        var pool = new RequestBufferPool(retainLimit: 1024 * 1024);

        pool.Return(new byte[100_000]);
        pool.Return(new byte[100]);

        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void Buffers_larger_than_a_full_context_are_not_kept()
    {
        var pool = new RequestBufferPool(retainLimit: 64 * 1024 * 1024);

        pool.Return(pool.Rent(RequestBufferPool.MaxRetainedLength + 1));

        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void Letting_large_buffers_go_asks_for_a_compacting_collection_once_the_burst_is_over()
    {
        var time = new FakeTimeProvider();
        var collections = new List<bool>();
        using var pool = new RequestBufferPool(retainLimit: 16 * 1024 * 1024, time, quiet => collections.Add(quiet));

        // 3 MiB in all: under the quarter of the pool that asks for a collection at once.
        pool.Return(new byte[1536 * 1024]);
        time.Advance(RequestBufferPool.ReclaimDelay / 2);
        pool.Return(new byte[1536 * 1024]);
        time.Advance(RequestBufferPool.ReclaimDelay / 2);
        Assert.Empty(collections);

        time.Advance(RequestBufferPool.ReclaimDelay / 2);
        Assert.Equal([true], collections);
    }

    [Fact]
    public void Once_the_burst_is_over_the_pool_lets_go_of_what_it_kept_too()
    {
        var time = new FakeTimeProvider();
        using var pool = new RequestBufferPool(retainLimit: 16 * 1024 * 1024, time, _ => { });
        var kept = Enumerable.Range(0, 8).Select(_ => pool.Rent(1024 * 1024)).ToList();
        kept.ForEach(pool.Return);
        Assert.Equal(8 * 1024 * 1024, pool.Retained);

        pool.Return(new byte[4 * 1024 * 1024]);
        time.Advance(RequestBufferPool.ReclaimDelay);

        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public async Task Letting_go_a_quarter_of_what_the_pool_keeps_asks_for_a_busy_time_collection_at_once()
    {
        var time = new FakeTimeProvider();
        var busy = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var pool = new RequestBufferPool(retainLimit: 16 * 1024 * 1024, time, quiet => busy.TrySetResult(quiet));

        pool.Return(new byte[2 * 1024 * 1024]);
        Assert.False(busy.Task.IsCompleted);
        pool.Return(new byte[2 * 1024 * 1024]);

        Assert.False(await busy.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Buffers_the_pool_reuses_never_ask_for_a_collection()
    {
        var time = new FakeTimeProvider();
        var collections = 0;
        using var pool = new RequestBufferPool(retainLimit: 16 * 1024 * 1024, time, _ => collections++);

        for (var i = 0; i < 100; i++)
        {
            pool.Return(pool.Rent(48_000));
            pool.Return(pool.Rent(1_000_000));
        }

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, collections);
    }
}
