// Benchmark entry point: filled in by the benchmark work.
return 0;
