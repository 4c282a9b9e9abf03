using OpsBot.ProxyCore.Proxy;

namespace OpsBot.ProxyCore.Tests.Proxy;

public sealed class ListenAddressTests
{
    [Fact]
    public async Task A_wildcard_bind_is_reported_as_bound_and_dialled_on_loopback()
    {
        await using var app = ProxyApplication.Build(o =>
        {
            o.Host = "0.0.0.0";
            o.Port = 0;
        });
        await app.StartAsync();

        var bound = app.GetBindUri();
        var dial = app.GetListenUri();
        await app.StopAsync();

        // The log says what is exposed (every interface); Ops dials what works from here.
        Assert.Equal("0.0.0.0", bound.Host);
        Assert.Equal("127.0.0.1", dial.Host);
        Assert.Equal(bound.Port, dial.Port);
    }

    [Theory]
    [InlineData("http://user:pass@vllm:8000", "http://***@vllm:8000")]
    [InlineData("https://a%40b:p%3Ass@10.0.0.5:8000/base", "https://***@10.0.0.5:8000/base")]
    [InlineData("http://token@vllm", "http://***@vllm")]
    [InlineData("http://127.0.0.1:8000", "http://127.0.0.1:8000")]
    [InlineData("http://vllm:8000/path@not-userinfo", "http://vllm:8000/path@not-userinfo")]
    [InlineData("not a url", "not a url")]
    public void The_vllm_urls_user_info_is_masked(string url, string shown)
    {
        Assert.Equal(shown, UrlSecrets.Mask(url));
    }
}
