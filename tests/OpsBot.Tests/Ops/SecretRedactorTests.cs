using OpsBot.Ops.Security;

namespace OpsBot.Tests.Ops;

public sealed class SecretRedactorTests
{
    private const string DiscordToken = "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789";

    [Theory]
    [InlineData($"logged in with {DiscordToken} ok", DiscordToken)]
    [InlineData($"Authorization: Bot {DiscordToken}", DiscordToken)]
    [InlineData("OPENCLAW_GATEWAY_TOKEN=gw-abcdef0123456789 openclaw gateway", "gw-abcdef0123456789")]
    [InlineData("Environment=OPENCLAW_GATEWAY_TOKEN='quoted secret value'", "quoted secret value")]
    [InlineData("VLLM_API_KEY=sk-vllm-local-0001 vllm serve", "sk-vllm-local-0001")]
    [InlineData("Authorization: Bearer sk-proj-abcdefghijklmnop", "sk-proj-abcdefghijklmnop")]
    [InlineData("""{"provider":"vllm","apiKey":"vllm-local-xyz","baseUrl":"http://127.0.0.1:8003/v1"}""", "vllm-local-xyz")]
    [InlineData("""{"api_key": "abc-def-ghi-123"}""", "abc-def-ghi-123")]
    [InlineData("""{"gateway": {"auth": {"token": "tok-0987654321"}}}""", "tok-0987654321")]
    [InlineData("apiKey: yaml-style-secret-1", "yaml-style-secret-1")]
    [InlineData("GET /v1/models?api_key=query-secret-42&x=1", "query-secret-42")]
    [InlineData("token=plain-token-value-7 reconnecting", "plain-token-value-7")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end", "eyJhbGciOiJIUzI1NiJ9")]
    public void Planted_secrets_do_not_survive(string text, string secret)
    {
        var redacted = SecretRedactor.PatternsOnly.Redact(text);

        Assert.DoesNotContain(secret, redacted);
        Assert.Contains(SecretRedactor.Mask, redacted);
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":120,"total_tokens":140,"max_tokens":256}}""")]
    [InlineData("vllm:num_requests_running{engine=\"0\"} 2.0")]
    [InlineData("finish_reason=tool_calls tokens: 11")]
    [InlineData("systemctl --user restart openclaw-gateway.service")]
    public void Ordinary_text_is_left_alone(string text)
    {
        Assert.Equal(text, SecretRedactor.PatternsOnly.Redact(text));
    }

    [Fact]
    public void Known_configured_secrets_are_masked_wherever_they_appear()
    {
        var redactor = new SecretRedactor(["s3cr3t-value-from-config", "short", null]);

        var redacted = redactor.Redact("echo s3cr3t-value-from-config and prefix-s3cr3t-value-from-config-suffix; short stays");

        Assert.Equal("echo [REDACTED] and prefix-[REDACTED]-suffix; short stays", redacted);
    }

    [Fact]
    public void Keeps_the_key_name_so_the_line_stays_readable()
    {
        var redacted = SecretRedactor.PatternsOnly.Redact("""OPENCLAW_GATEWAY_TOKEN=abc123456789 {"apiKey": "k-123456"}""");

        Assert.Equal("""OPENCLAW_GATEWAY_TOKEN=[REDACTED] {"apiKey": "[REDACTED]"}""", redacted);
    }
}
