using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsBot.Hosting;
using OpsBot.Ops;
using OpsBot.Ops.Configuration;
using OpsBot.Ops.Security;

namespace OpsBot.Tests.Ops;

/// <summary>One source of truth for vLLM's address: the monitor probes where the proxy forwards unless told otherwise.</summary>
public sealed class VllmUrlTests
{
    private static IServiceProvider Build(params string[] extra) =>
        OpsBotHost.CreateBuilder(["--port", "0", "--host", "127.0.0.1", "--History:DatabasePath", Path.Combine(Path.GetTempPath(), $"opsbot-url-{Guid.NewGuid():N}.db"), .. extra]).Build().Services;

    [Fact]
    public void The_monitor_probes_the_proxys_vllm_url_by_default()
    {
        var services = Build("--vllm-url", "http://127.0.0.1:9000");

        Assert.Equal(new Uri("http://127.0.0.1:9000/"), services.GetRequiredService<IOptions<VllmOpsOptions>>().Value.BaseUrl);
    }

    [Fact]
    public void Ops_vllm_base_url_still_wins_when_set()
    {
        var services = Build("--vllm-url", "http://127.0.0.1:9000", "--Ops:Vllm:BaseUrl", "http://10.0.0.7:8000");

        Assert.Equal(new Uri("http://10.0.0.7:8000"), services.GetRequiredService<IOptions<VllmOpsOptions>>().Value.BaseUrl);
    }

    [Fact]
    public void An_invalid_ops_vllm_section_falls_back_to_the_proxys_url_without_the_container()
    {
        var services = Build("--vllm-url", "http://127.0.0.1:9000", "--Ops:Vllm:BaseUrl", "ftp://x", "--Ops:Vllm:ContainerName", "vllm");

        var options = services.GetRequiredService<IOptions<VllmOpsOptions>>().Value;
        Assert.Equal((new Uri("http://127.0.0.1:9000/"), null), (options.BaseUrl, options.ContainerName));
    }

    [Fact]
    public void A_password_in_the_vllm_url_is_masked_in_status_and_log_output()
    {
        var services = Build("--vllm-url", "http://opsbot:s3cret-pass@127.0.0.1:9000");
        var redactor = services.GetRequiredService<SecretRedactor>();

        var text = redactor.Redact("GET http://opsbot:s3cret-pass@127.0.0.1:9000/health failed; password s3cret-pass");

        Assert.DoesNotContain("s3cret-pass", text);
        Assert.DoesNotContain("opsbot:", text);
    }

    [Fact]
    public void With_several_vllm_urls_the_monitor_probes_the_first()
    {
        var services = Build("--vllm-url", "http://127.0.0.1:9000, http://127.0.0.1:9001");

        Assert.Equal(new Uri("http://127.0.0.1:9000/"), services.GetRequiredService<IOptions<VllmOpsOptions>>().Value.BaseUrl);
    }

    [Fact]
    public void Passwords_in_every_url_of_a_list_are_masked()
    {
        var services = Build("--vllm-url", "http://a:first-pass@127.0.0.1:9000,http://b:second%40pass@127.0.0.1:9001");
        var redactor = services.GetRequiredService<SecretRedactor>();

        var text = redactor.Redact("backends first-pass and second@pass and second%40pass failed");

        Assert.DoesNotContain("first-pass", text);
        Assert.DoesNotContain("second@pass", text);
        Assert.DoesNotContain("second%40pass", text);
    }
}
