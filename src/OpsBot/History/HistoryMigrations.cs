namespace OpsBot.History;

/// <summary>The schema, as an ordered list of steps recorded in <c>schema_migrations</c>.</summary>
public static class HistoryMigrations
{
    // Times are Unix milliseconds (UTC): cheap range queries, no time-zone parsing.
    public static IReadOnlyList<HistoryMigration> All { get; } =
    [
        new(1, "incidents, alerts, restarts, smoke tests, traffic", """
            CREATE TABLE incidents (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL,
                service TEXT NULL,
                severity TEXT NOT NULL,
                title TEXT NOT NULL,
                detail TEXT NULL,
                opened_at INTEGER NOT NULL,
                resolved_at INTEGER NULL,
                occurrences INTEGER NOT NULL DEFAULT 1,
                is_outage INTEGER NOT NULL DEFAULT 0,
                during_maintenance INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_incidents_opened_at ON incidents (opened_at);
            CREATE INDEX ix_incidents_open ON incidents (resolved_at) WHERE resolved_at IS NULL;

            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                muted_by TEXT NULL
            );
            CREATE INDEX ix_alerts_created_at ON alerts (created_at);

            CREATE TABLE restarts (
                id INTEGER PRIMARY KEY,
                service TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                started_at INTEGER NOT NULL,
                finished_at INTEGER NOT NULL,
                succeeded INTEGER NOT NULL,
                message TEXT NOT NULL,
                elapsed_ms INTEGER NOT NULL,
                time_to_healthy_ms INTEGER NULL
            );
            CREATE INDEX ix_restarts_started_at ON restarts (started_at);

            CREATE TABLE smoke_tests (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                requested_by TEXT NOT NULL,
                at INTEGER NOT NULL,
                passed INTEGER NOT NULL,
                elapsed_ms INTEGER NOT NULL,
                reply TEXT NOT NULL,
                failure TEXT NULL
            );
            CREATE INDEX ix_smoke_tests_at ON smoke_tests (at);

            CREATE TABLE traffic_minutes (
                minute INTEGER PRIMARY KEY,
                requests INTEGER NOT NULL,
                failed INTEGER NOT NULL,
                empty_answers INTEGER NOT NULL,
                loop_guard INTEGER NOT NULL,
                streamed INTEGER NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                latency_ms_total INTEGER NOT NULL,
                latency_ms_max INTEGER NOT NULL
            );
            """),
        new(2, "alert outbox (alerts survive a Discord outage and a restart)", """
            CREATE TABLE alert_outbox (
                id INTEGER PRIMARY KEY,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_error TEXT NULL
            );
            """),
        // Histograms are LatencyHistogram BLOBs (indexes into LatencyBuckets); rows from before stay NULL and count
        // for requests, not for percentiles. vLLM gauges are kept per minute as count, sum and max of the monitor's
        // samples, so any interval's mean and peak merge exactly; generation throughput as tokens over the seconds
        // they were counted in, so any interval's rate is their quotient.
        new(3, "latency and time-to-first-token histograms, vLLM samples per minute", """
            ALTER TABLE traffic_minutes ADD COLUMN latency_hist BLOB NULL;
            ALTER TABLE traffic_minutes ADD COLUMN ttft_hist BLOB NULL;

            CREATE TABLE vllm_minutes (
                minute INTEGER PRIMARY KEY,
                samples INTEGER NOT NULL,
                kv_cache_n INTEGER NOT NULL,
                kv_cache_sum REAL NOT NULL,
                kv_cache_max REAL NULL,
                running_n INTEGER NOT NULL,
                running_sum REAL NOT NULL,
                running_max REAL NULL,
                waiting_n INTEGER NOT NULL,
                waiting_sum REAL NOT NULL,
                waiting_max REAL NULL,
                generated_tokens REAL NOT NULL,
                generation_seconds REAL NOT NULL
            );
            """),
        // With several gateways a smoke test runs on each in turn; rows from before (and the only, unnamed gateway) stay NULL.
        new(4, "the gateway a smoke test ran on", """
            ALTER TABLE smoke_tests ADD COLUMN gateway TEXT NULL;
            """),
    ];
}
