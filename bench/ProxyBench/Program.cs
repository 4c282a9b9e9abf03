using OpsBot.Bench;
using OpsBot.Bench.Hosts;

// Proxy benchmark (not part of the test suite): bench/run.sh builds Release and runs it.
// "simulator" and "proxy-host" are the child processes the benchmark starts from this same binary;
// "edge" runs the memory probes with hostile clients and upstreams instead of the throughput measurements;
// "backends" compares the multi-backend routings, its servers being "backend" children.
return args switch
{
    ["simulator"] => await SimulatorChild.RunAsync(),
    ["proxy-host", .. var rest] => await InstrumentedProxyChild.RunAsync(rest),
    ["edge", .. var rest] => await OpsBot.Bench.Edge.EdgeRunner.RunAsync(rest),
    ["backends", .. var rest] => await OpsBot.Bench.Backends.BackendsRunner.RunAsync(rest),
    ["backend", .. var rest] => await OpsBot.Bench.Backends.BackendChild.RunAsync(rest),
    _ => await BenchRunner.RunAsync(args),
};
