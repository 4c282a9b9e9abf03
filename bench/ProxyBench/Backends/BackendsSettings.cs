using System.Globalization;

namespace OpsBot.Bench.Backends;

/// <summary>The multi-backend run's workload and simulated GPU (a full run takes about 6 minutes on 2 cores, --quick about 3).</summary>
internal sealed record BackendsSettings
{
    public required string OpsBotDll { get; init; }

    public string? ResultsPath { get; init; }

    public bool Quick { get; init; }

    public int Backends { get; init; } = 3;

    public int Conversations { get; init; } = 200;

    public int Turns { get; init; } = 10;

    /// <summary>Each engine's prompt processing, shared by its requests (first come first served).</summary>
    public double PrefillTokensPerSecond { get; init; } = 20_000;

    /// <summary>Each request's decoding (a loaded server: dozens of sequences share each step).</summary>
    public double DecodeTokensPerSecond { get; init; } = 20;

    public int AnswerTokens { get; init; } = 40;

    /// <summary>Each engine's KV cache for the prefix-cache model, in tokens (large: nothing of this workload is evicted).</summary>
    public long CacheTokens { get; init; } = 8_000_000;

    /// <summary>The agent's own time between an answer and its next request (running the tool), uniformly drawn.</summary>
    public TimeSpan ThinkMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ThinkMax { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Conversations start spread over this long, as sessions do, rather than all in the same millisecond.</summary>
    public TimeSpan StartSpread { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A phase that takes longer than this fails the run (the bench is bounded in time).</summary>
    public TimeSpan PhaseCap { get; init; } = TimeSpan.FromMinutes(4);

    public static BackendsSettings Parse(string[] args)
    {
        string? opsbot = null, results = null;
        var quick = false;
        int? conversations = null, turns = null;
        long? cacheTokens = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--opsbot": opsbot = Next(); break;
                case "--results": results = Next(); break;
                case "--quick": quick = true; break;
                case "--conversations": conversations = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--turns": turns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--cache-tokens": cacheTokens = long.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}; usage: ProxyBench backends [--opsbot PATH/opsbot.dll] [--results RESULTS.md] [--quick] [--conversations N] [--turns N] [--cache-tokens N]");
            }
        }

        opsbot ??= FindOpsBot();
        if (!File.Exists(opsbot))
        {
            throw new FileNotFoundException($"opsbot.dll not found at {opsbot}; build src/OpsBot in Release or pass --opsbot.");
        }

        var settings = new BackendsSettings { OpsBotDll = Path.GetFullPath(opsbot), ResultsPath = results, Quick = quick };
        if (quick)
        {
            settings = settings with { Conversations = 100, Turns = 6, PhaseCap = TimeSpan.FromMinutes(2) };
        }

        return settings with
        {
            Conversations = conversations ?? settings.Conversations,
            Turns = turns ?? settings.Turns,
            CacheTokens = cacheTokens ?? settings.CacheTokens,
        };
    }

    private static string FindOpsBot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "OpsBot", "bin", "Release", "net10.0", "opsbot.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "opsbot.dll";
    }
}
