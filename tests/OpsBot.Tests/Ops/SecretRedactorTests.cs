using Microsoft.Extensions.Configuration;
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
    // Issue 11's list of shapes that leaked through /logs.
    [InlineData("using key sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw for openai", "sk-proj-Ab3dEf6hIj9kLmNoPqRsTuVw")]
    [InlineData("OPENAI key=sk-AbCdEf0123456789AbCdEf0123456789AbCdEf012345", "sk-AbCdEf0123456789AbCdEf0123456789AbCdEf012345")]
    [InlineData("upload with AKIAIOSFODNN7EXAMPLE to s3", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY aws s3 ls", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("connecting to postgres://opsbot:hunter2-db@db.internal:5432/ops", "hunter2-db")]
    [InlineData("vLLM at http://admin:pw@10.0.0.5:8000 refused", ":pw@")]
    [InlineData("git clone https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r", "ghp_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("GH token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP")]
    [InlineData("huggingface-cli login hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345")]
    [InlineData("vllm serve Qwen/Qwen3-Coder-Next-FP8 --api-key local-vllm-key --port 8000", "local-vllm-key")]
    [InlineData("vllm serve --api-key=k3y-with-equals --port 8000", "k3y-with-equals")]
    [InlineData("node gateway.js --token 'quoted flag value'", "quoted flag value")]
    [InlineData("Authorization: Basic b3BlbmNsYXc6czNjcjN0LXB3", "b3BlbmNsYXc6czNjcjN0LXB3")]
    [InlineData("{'token': 'py-repr-secret', 'model': 'qwen'}", "py-repr-secret")]
    [InlineData("headers={'Authorization': 'Bearer tok'}", "tok'")]
    [InlineData("authorization: bearer lowercase-token-value", "lowercase-token-value")]
    [InlineData("Authorization: Bearer abc12", "abc12")]
    [InlineData("config: {gatewayToken: gw-yaml-0001, port: 18791}", "gw-yaml-0001")]
    [InlineData("""{"key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"}""", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7")]
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
    [InlineData("max_tokens: 256, token_type=bearer, tokenizer: qwen, tokens=11")]
    [InlineData("Basic usage: run the gateway with the default settings")]
    [InlineData("vLLM at http://127.0.0.1:8000/v1 answered 200")]
    [InlineData("ssh -i ~/.ssh/id_ed25519 --key-file /etc/opsbot/key -p 22 gw")]
    public void Ordinary_text_is_left_alone(string text)
    {
        Assert.Equal(text, SecretRedactor.PatternsOnly.Redact(text));
    }

    [Fact]
    public void Proxy_keys_and_passwords_in_configured_urls_are_known_secrets()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Proxy:ApiKeys:0"] = "first-inbound-key",
            ["Proxy:ApiKeys:1"] = "second-inbound-key",
            ["Proxy:VllmUrl"] = "http://ops:vllm-url-pass@10.0.0.5:8000",
            ["Proxy:MaxToolCalls"] = "20",
            ["Ops:Gateway:UnitName"] = "openclaw-gateway.service",
        }).Build();

        var known = OpsBot.Ops.OpsServiceCollectionExtensions.KnownSecrets(configuration).ToList();

        Assert.Contains("first-inbound-key", known);
        Assert.Contains("second-inbound-key", known);
        Assert.Contains("vllm-url-pass", known);
        Assert.DoesNotContain("20", known);
        Assert.DoesNotContain("openclaw-gateway.service", known);
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

    [Fact]
    public void A_private_key_printed_over_several_log_lines_is_masked_from_begin_to_end_keeping_line_prefixes()
    {
        string[] lines =
        [
            "Nov 25 12:00:00 gw app[1]: loading key",
            "Nov 25 12:00:00 gw app[1]: -----BEGIN OPENSSH PRIVATE KEY-----",
            "Nov 25 12:00:00 gw app[1]: b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
            "Nov 25 12:00:00 gw app[1]: QyNTUxOQAAACBvZ2Fsb3JlLXNlY3JldC1rZXktbWF0ZXJpYWwtMDAwMDAwMDAwAAAA",
            "Nov 25 12:00:00 gw app[1]: -----END OPENSSH PRIVATE KEY-----",
            "Nov 25 12:00:01 gw app[1]: listening on 18791",
        ];

        var redacted = SecretRedactor.PatternsOnly.Redact(lines);

        Assert.Equal(lines.Length, redacted.Count);
        Assert.DoesNotContain(redacted, l => l.Contains("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", StringComparison.Ordinal) || l.Contains("QyNTUxOQAAACBvZ2Fsb3Jl", StringComparison.Ordinal));
        Assert.Equal("Nov 25 12:00:00 gw app[1]: [REDACTED]", redacted[2]);
        Assert.Equal(lines[1], redacted[1]);
        Assert.Equal(lines[4], redacted[4]);
        Assert.Equal(lines[5], redacted[5]);
    }

    [Fact]
    public void A_private_key_cut_off_by_the_tail_is_masked_to_the_end()
    {
        var redacted = SecretRedactor.PatternsOnly.Redact(["-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA7bq98cz1LbOg0xS+8lYkzXmXbQ1KzR5wbfBIEMb8Nhd", "MIIEsecondlinematerialABCDEFGHIJKLMNOPQRSTUVWX"]);

        Assert.All(redacted.Skip(1), l => Assert.Equal(SecretRedactor.Mask, l));
    }
}
