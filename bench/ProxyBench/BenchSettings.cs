using System.Globalization;

namespace OpsBot.Bench;

/// <summary>Fixed request counts and durations of one run (a full run takes about 4 minutes on 2 cores, --quick about 2).</summary>
internal sealed record BenchSettings
{
    public required string OpsBotDll { get; init; }

    public string? ResultsPath { get; init; }

    /// <summary>Extra environment for the opsbot processes (<c>--env DOTNET_GCgen0size=0x400000</c>), to measure runtime settings.</summary>
    public IReadOnlyDictionary<string, string> OpsBotEnvironment { get; init; } = new Dictionary<string, string>();

    public int WarmupRequests { get; init; } = 200;
    public TimeSpan WarmupCap { get; init; } = TimeSpan.FromSeconds(8);
    public TimeSpan WarmupConcurrentDuration { get; init; } = TimeSpan.FromSeconds(1);

    public int Rounds { get; init; } = 3;
    public int LatencyRequestsPerRound { get; init; } = 400;
    public TimeSpan LatencyRoundCap { get; init; } = TimeSpan.FromSeconds(6);

    public int ThroughputConcurrency { get; init; } = 32;
    public TimeSpan ThroughputRoundDuration { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Paced streams per target, one at a time (a warm client), interleaved across targets.</summary>
    public int TtftRequests { get; init; } = 30;

    public int RssConcurrency { get; init; } = 64;
    public int RssRequests { get; init; } = 256;
    public TimeSpan RssCap { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>RSS is read again this long after each target's 1 MiB load ended (the recovery target).</summary>
    public TimeSpan RssRecovery { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle RSS is read this long after start-up and one request, once start-up work (tiering, timers) has settled.</summary>
    public TimeSpan IdleSettle { get; init; } = TimeSpan.FromSeconds(2);

    public bool Diagnose { get; init; } = true;
    public int DiagnoseRequests { get; init; } = 150;
    public int DiagnoseLargeRequests { get; init; } = 64;
    public TimeSpan DiagnoseCap { get; init; } = TimeSpan.FromSeconds(5);

    public static BenchSettings Parse(string[] args)
    {
        string? opsbot = null, results = null;
        bool quick = false, diagnose = true;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--opsbot": opsbot = Next(); break;
                case "--results": results = Next(); break;
                case "--quick": quick = true; break;
                case "--no-diagnose": diagnose = false; break;
                case "--env" when Next().Split('=', 2) is [var key, var value]: environment[key] = value; break;
                case "--env": throw new ArgumentException("--env needs KEY=VALUE.");
                default: throw new ArgumentException($"unknown argument {args[i]}; usage: ProxyBench [--opsbot PATH/opsbot.dll] [--results RESULTS.md] [--quick] [--no-diagnose] [--env KEY=VALUE]...");
            }
        }

        opsbot ??= FindOpsBot();
        if (!File.Exists(opsbot))
        {
            throw new FileNotFoundException($"opsbot.dll not found at {opsbot}; build src/OpsBot in Release or pass --opsbot.");
        }

        var settings = new BenchSettings { OpsBotDll = Path.GetFullPath(opsbot), ResultsPath = results, Diagnose = diagnose, OpsBotEnvironment = environment };
        return quick
            ? settings with
            {
                WarmupRequests = 50,
                Rounds = 1,
                LatencyRequestsPerRound = 100,
                ThroughputRoundDuration = TimeSpan.FromSeconds(1),
                TtftRequests = 10,
                RssRequests = 64,
                DiagnoseRequests = 50,
            }
            : settings;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"warm-up {WarmupRequests} req + {WarmupConcurrentDuration.TotalSeconds:0} s at c={ThroughputConcurrency}; {Rounds} interleaved rounds of {LatencyRequestsPerRound} req (at most {LatencyRoundCap.TotalSeconds:0} s) at c=1 "
        + $"and {ThroughputRoundDuration.TotalSeconds:0} s at c={ThroughputConcurrency} per target; TTFT {TtftRequests} paced req at c=1; RSS {RssRequests} req of 1 MiB (at most {RssCap.TotalSeconds:0} s) at c={RssConcurrency}, read again {RssRecovery.TotalSeconds:0} s later")
        + (OpsBotEnvironment.Count == 0 ? "" : "; opsbot environment " + string.Join(" ", OpsBotEnvironment.Select(e => $"{e.Key}={e.Value}")));

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
