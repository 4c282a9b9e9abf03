using OpsBot.ProxyCore.Proxy;

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
}
