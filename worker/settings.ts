/**
 * The worker's operational settings, from the environment.
 *
 * | variable             | default   | meaning                                                |
 * | -------------------- | --------- | ------------------------------------------------------ |
 * | `WORKER_CONCURRENCY` | `64`      | deliveries in flight at once, per notification rule    |
 * | `WORKER_PREFETCH`    | `1024`    | messages received ahead, per rule (at least the above) |
 * | `SHUTDOWN_GRACE_MS`  | `30000`   | longest wait for in-flight deliveries at shutdown      |
 * | `METRICS_PORT`       | `9090`    | port of `/healthz`, `/readyz` and `/metrics`           |
 * | `METRICS_HOST`       | `0.0.0.0` | address of that listener                               |
 *
 * The prefetch matters for throughput: the RocketMQ client stops receiving for a whole second
 * whenever its buffer is full, so a buffer no larger than the concurrency caps a rule at about
 * that many deliveries per second, however fast the vendor answers.
 *
 * @module
 */

import { type EnvReader, integerFromEnv } from "../shared/env.ts";

/** Validated worker settings. */
export interface WorkerSettings {
  /** Deliveries in flight at once, per rule. */
  concurrency: number;
  /** Messages received ahead of delivery, per rule (at least `concurrency`). */
  prefetch: number;
  /** Longest wait for in-flight deliveries at shutdown, in ms. */
  shutdownGraceMs: number;
  /** Port of the operator endpoints. */
  metricsPort: number;
  /** Listen address of the operator endpoints. */
  metricsHost: string;
}

/**
 * Reads the settings from the environment.
 *
 * @param env The environment, e.g. `Deno.env`.
 * @returns The settings.
 * @throws {Error} Naming the invalid variable.
 */
export function workerSettingsFrom(env: EnvReader): WorkerSettings {
  const concurrency = integerFromEnv(env, "WORKER_CONCURRENCY", {
    min: 1,
    max: 1024,
    fallback: 64,
  });
  const prefetch = integerFromEnv(env, "WORKER_PREFETCH", {
    min: 1,
    max: 65_536,
    fallback: Math.max(1024, concurrency),
  });
  if (prefetch < concurrency) {
    throw new Error(
      `invalid environment: WORKER_PREFETCH: must be at least WORKER_CONCURRENCY (${concurrency}), got ${prefetch}`,
    );
  }
  return {
    concurrency,
    prefetch,
    shutdownGraceMs: integerFromEnv(env, "SHUTDOWN_GRACE_MS", {
      min: 0,
      max: 600_000,
      fallback: 30_000,
    }),
    metricsPort: integerFromEnv(env, "METRICS_PORT", { min: 0, max: 65535, fallback: 9090 }),
    metricsHost: env.get("METRICS_HOST") || "0.0.0.0",
  };
}
