using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsBot.ProxyCore.Proxy;
using OpsBot.ProxyCore.Proxy.Backends;

namespace OpsBot.ProxyCore.Tests.Backends;

public sealed class VllmBackendsTests
{
    private readonly FakeTimeProvider _time = new();

    private VllmBackends Create(string urls, Action<ProxyOptions>? configure = null)
    {
        var options = new ProxyOptions { VllmUrl = urls };
        configure?.Invoke(options);
        return new VllmBackends(Options.Create(options), _time);
    }

    private const string Three = "http://10.0.0.1:8000,http://10.0.0.2:8000, http://10.0.0.3:8000/";

    [Fact]
    public void One_url_is_one_backend_tried_once_per_round()
    {
        var backends = Create("http://user:secret@localhost:8000");

        var only = Assert.Single(backends.All);
        Assert.False(backends.IsMultiple);
        Assert.Equal("localhost:8000", only.Name);
        Assert.Equal("http://***@localhost:8000/", backends.DisplayName);
        Assert.Same(only, backends.Select(123, []));
        Assert.Null(backends.Select(123, [only]));
    }

    [Fact]
    public void Round_robin_routing_takes_each_backend_in_turn_whatever_the_conversation()
    {
        var backends = Create(Three, o => o.Routing = BackendRouting.RoundRobin);

        var picks = Enumerable.Range(0, 6).Select(_ => backends.Select(Key(42), [])!.Index).ToArray();

        Assert.Equal([0, 1, 2], picks[..3].Order());
        Assert.Equal(picks[..3], picks[3..]);
    }

    [Fact]
    public void Round_robin_routing_shares_a_lost_backends_turns_evenly_among_the_others()
    {
        // Found by bench/run.sh backends: skipping the lost backend in the rotation gave the next one in the list its
        // turns too (49 % against 34 % of the requests after a kill).
        var backends = Create(Three, o => o.Routing = BackendRouting.RoundRobin);
        backends.ReportFailure(backends.All[1], "connection refused");

        var counts = new int[3];
        for (var i = 0; i < 600; i++)
        {
            counts[backends.Select(Key(42), [])!.Index]++;
        }

        Assert.Equal([300, 0, 300], counts);
    }

    [Fact]
    public void Least_outstanding_routing_ignores_the_conversations_favourite()
    {
        var backends = Create(Three, o => o.Routing = BackendRouting.LeastOutstanding);
        var favourite = Create(Three).Select(Key(7), [])!;
        foreach (var backend in backends.All.Where(b => b.Index == favourite.Index))
        {
            backend.Started();
        }

        Assert.All(Enumerable.Range(0, 10), _ => Assert.NotEqual(favourite.Index, backends.Select(Key(7), [])!.Index));
    }

    [Fact]
    public void Comma_separated_urls_become_backends_in_order_named_by_host_and_port()
    {
        var backends = Create(Three);

        Assert.True(backends.IsMultiple);
        Assert.Equal(["10.0.0.1:8000", "10.0.0.2:8000", "10.0.0.3:8000"], backends.All.Select(b => b.Name));
        Assert.All(backends.All, b => Assert.EndsWith("/", b.BaseUri.AbsoluteUri));
    }

    [Fact]
    public void A_conversation_always_gets_the_same_backend_and_conversations_spread_over_all()
    {
        var backends = Create(Three);
        var counts = new int[3];
        for (ulong key = 0; key < 3000; key++)
        {
            var first = backends.Select(Key(key), [])!;
            Assert.Same(first, backends.Select(Key(key), []));
            counts[first.Index]++;
        }

        // Rendezvous hashing spreads keys evenly: each backend near a third.
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void Losing_a_backend_moves_only_its_own_conversations()
    {
        var backends = Create(Three);
        var before = Enumerable.Range(0, 2000).Select(k => backends.Select(Key((ulong)k), [])!).ToArray();
        var lost = backends.All[1];

        backends.ReportFailure(lost, "connection refused");
        var after = Enumerable.Range(0, 2000).Select(k => backends.Select(Key((ulong)k), [])!).ToArray();

        Assert.Equal(BackendHealth.CoolingDown, lost.Health);
        for (var k = 0; k < before.Length; k++)
        {
            if (before[k] == lost)
            {
                Assert.NotSame(lost, after[k]);
            }
            else
            {
                Assert.Same(before[k], after[k]);
            }
        }
    }

    [Fact]
    public void A_cool_down_ends_after_its_time()
    {
        var backends = Create(Three, o => o.BackendCooldown = TimeSpan.FromSeconds(10));
        var backend = backends.All[0];

        backends.ReportFailure(backend, "answered 503");
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(BackendHealth.CoolingDown, backend.Health);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(BackendHealth.Healthy, backend.Health);
        Assert.Equal("answered 503", backend.LastError);
    }

    [Fact]
    public void A_failed_probe_keeps_the_backend_down_until_a_probe_or_an_answer_succeeds()
    {
        var backends = Create(Three);
        var backend = backends.All[2];

        backend.Probed("/health answered 503");
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(BackendHealth.Down, backend.Health);
        backend.Probed(null);
        Assert.Equal(BackendHealth.Healthy, backend.Health);

        backend.Probed("/health answered 503");
        backend.Answered();
        Assert.Equal(BackendHealth.Healthy, backend.Health);
    }

    [Fact]
    public void A_request_tries_every_healthy_backend_before_the_unhealthy_ones_and_each_only_once()
    {
        var backends = Create(Three);
        backends.ReportFailure(backends.All[0], "refused");
        var tried = new List<VllmBackend>();

        while (backends.Select(Key(7), tried) is { } next)
        {
            tried.Add(next);
        }

        Assert.Equal(3, tried.Count);
        Assert.Same(backends.All[0], tried[2]);
        Assert.Equal(3, tried.Distinct().Count());
    }

    [Fact]
    public void A_saturated_favourite_spills_to_the_least_loaded_backend()
    {
        var backends = Create(Three, o =>
        {
            o.AffinitySpillFactor = 2;
            o.AffinitySpillMinimum = 4;
        });
        var favourite = backends.Select(Key(42), [])!;
        var others = backends.All.Where(b => b != favourite).ToArray();
        others[0].Started();

        // 5 outstanding against a mean of 2: more than twice the mean, and at least the minimum.
        for (var i = 0; i < 5; i++)
        {
            favourite.Started();
        }

        Assert.Same(others[1], backends.Select(Key(42), []));

        // 4 against a mean of 5/3: still more than twice the mean...
        favourite.Finished();
        Assert.Same(others[1], backends.Select(Key(42), []));

        // ...but below the minimum it stays, whatever the others carry.
        favourite.Finished();
        favourite.Finished();
        Assert.Same(favourite, backends.Select(Key(42), []));
    }

    [Fact]
    public void A_favourite_near_the_mean_keeps_its_conversations()
    {
        var backends = Create(Three, o => o.AffinitySpillMinimum = 1);
        var favourite = backends.Select(Key(9), [])!;
        foreach (var backend in backends.All)
        {
            for (var i = 0; i < 10; i++)
            {
                backend.Started();
            }
        }

        favourite.Started();

        Assert.Same(favourite, backends.Select(Key(9), []));
    }

    [Fact]
    public void Requests_without_a_conversation_go_to_the_least_loaded_backend()
    {
        var backends = Create(Three);
        backends.All[0].Started();
        backends.All[2].Started();

        Assert.Same(backends.All[1], backends.Select(null, []));
    }

    [Fact]
    public void The_affinity_key_covers_system_and_first_user_message_only()
    {
        var turn1 = Key("""{"messages":[{"role":"system","content":"You are a coder"},{"role":"user","content":"fix the bug"}]}""");
        var turn5 = Key("""{"messages":[{"role":"system","content":"You are a coder"},{"role":"user","content":"fix the bug"},{"role":"assistant","content":"done"},{"role":"user","content":"thanks"}]}""");
        var otherTask = Key("""{"messages":[{"role":"system","content":"You are a coder"},{"role":"user","content":"write tests"}]}""");
        var otherAgent = Key("""{"messages":[{"role":"system","content":"You are a reviewer"},{"role":"user","content":"fix the bug"}]}""");

        Assert.NotNull(turn1);
        Assert.Equal(turn1, turn5);
        Assert.NotEqual(turn1, otherTask);
        Assert.NotEqual(turn1, otherAgent);
        Assert.Null(Key("""{"messages":[{"role":"system","content":"no user yet"}]}"""));
    }

    private static ulong? Key(ulong n) => n * 0x9E3779B97F4A7C15UL;

    private static ulong? Key(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ConversationAffinity.KeyOf(document.RootElement);
    }
}
